using System.Reflection;

namespace App.Domain.Events;

/// <summary>One call of a declared domain-service method, as the declaration's functions see it.</summary>
public sealed class DomainCall
{
    private readonly ParameterInfo[] parameters;
    private readonly object? result;
    private readonly bool hasResult;

    internal DomainCall(MethodInfo method, object?[] args, object? result = null, bool hasResult = false)
    {
        Method = method;
        parameters = method.GetParameters();
        Args = args;
        this.result = result;
        this.hasResult = hasResult;
    }

    public MethodInfo Method { get; }
    public IReadOnlyList<object?> Args { get; }

    /// <summary>The argument named <paramref name="name"/>, typed.</summary>
    public T Arg<T>(string name)
    {
        for (var i = 0; i < parameters.Length; i++)
            if (parameters[i].Name == name) return (T)Args[i]!;
        throw new ArgumentException($"{Method.DeclaringType?.Name}.{Method.Name} has no parameter '{name}'.");
    }

    /// <summary>The method's result; only available to functions evaluated after the call.</summary>
    public T Result<T>() => hasResult
        ? (T)result!
        : throw new InvalidOperationException(
            $"The result of {Method.Name} is not known before the call: use a *FromResult declaration.");

    internal DomainCall WithResult(object? value) => new(Method, (object?[])Args, value, hasResult: true);
}
