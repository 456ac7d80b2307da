using System.Reflection;
using App.Realtime;
using NetArchTest.Rules;

namespace App.UnitTests.Architecture;

/// <summary>App.Realtime is a library any Blazor Server app can reference: it must never learn about this app.</summary>
public sealed class RealtimeBoundaryTests
{
    private static readonly Assembly Library = typeof(RealtimeEvent).Assembly;

    [Fact]
    public void The_realtime_library_depends_on_no_app_namespace()
    {
        var result = Types.InAssembly(Library)
            .ShouldNot().HaveDependencyOnAny("App.Domain", "App.Web")
            .GetResult();

        Assert.True(result.IsSuccessful,
            "App.Realtime must not use App.Domain or App.Web; offending types: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_realtime_library_references_no_app_assembly()
    {
        var references = Library.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("App.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_realtime_type_lives_in_the_library_namespace()
    {
        var outside = Library.GetTypes()
            .Where(t => t.Namespace is { } ns && !ns.StartsWith("App.Realtime", StringComparison.Ordinal) && !ns.StartsWith("Microsoft.", StringComparison.Ordinal)
                && !ns.StartsWith("System.", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(outside);
    }
}
