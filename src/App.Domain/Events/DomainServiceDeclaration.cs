using System.Reflection;

namespace App.Domain.Events;

/// <summary>The declared events of one domain service, method by method (the <c>app.service(..., { events })</c>
/// counterpart). Built and validated at registration.</summary>
public sealed class DomainServiceDeclaration<TService> where TService : class
{
    private readonly Dictionary<MethodInfo, EntityChangeDeclaration> methods = [];

    internal DomainServiceDeclaration(string serviceToken)
    {
        ServiceToken = RealtimeEventNames.RequireEvent(serviceToken, "service token");
    }

    public string ServiceToken { get; }
    internal IReadOnlyDictionary<MethodInfo, EntityChangeDeclaration> Methods => methods;

    public DomainServiceDeclaration<TService> Method(string methodName, Action<EntityChangeDeclaration> declare)
    {
        var candidates = typeof(TService).GetMethods().Where(m => m.Name == methodName).ToArray();
        var where = $"{typeof(TService).Name}.{methodName}";
        if (candidates.Length == 0) throw new ArgumentException($"{where}: no such method on {typeof(TService).Name}.");
        if (candidates.Length > 1) throw new ArgumentException($"{where}: overloaded methods cannot be declared by name.");
        var method = candidates[0];
        if (method.ReturnType != typeof(Task) && !(method.ReturnType.IsGenericType
                && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)))
            throw new ArgumentException($"{where}: declared methods must return Task or Task<T>.");
        if (methods.ContainsKey(method)) throw new ArgumentException($"{where}: declared twice.");
        var declaration = new EntityChangeDeclaration();
        declare(declaration);
        declaration.Validate(where);
        methods[method] = declaration;
        return this;
    }
}
