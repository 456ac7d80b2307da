using Microsoft.Extensions.Options;

namespace App.Web.Realtime.Clients;

/// <summary>
/// SSE tokens travel in the query string (<c>EventSource</c> cannot send headers) and browser hub clients send
/// <c>?access_token=</c>, so the request-line log ("Request starting GET ...?token=...") would carry them. These
/// categories are held at Warning whatever the configuration says.
/// </summary>
public static class RequestLineLogging
{
    /// <summary>The categories that write request URLs or endpoint details.</summary>
    public static readonly string[] Categories = ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing.EndpointMiddleware"];

    /// <summary>
    /// A plain <c>AddFilter</c> rule has no provider, and any provider-specific configuration rule
    /// (<c>Logging:Console:LogLevel:Default</c>) beats a provider-less one. So after all configuration is applied, the
    /// Warning rule is appended once provider-less and once for every provider that is registered or named in a rule:
    /// being last and as specific as any rule that can match these categories, it wins for every provider.
    /// </summary>
    public static IServiceCollection HoldRequestLinesAtWarning(this IServiceCollection services)
    {
        services.AddOptions<LoggerFilterOptions>().PostConfigure(options =>
        {
            var providers = new HashSet<string?>(StringComparer.Ordinal) { null };
            foreach (var rule in options.Rules) providers.Add(rule.ProviderName);
            // Read when options are first built, after every provider has been added.
            foreach (var descriptor in services.Where(d => d.ServiceType == typeof(ILoggerProvider)))
            {
                var type = descriptor.IsKeyedService ? null : descriptor.ImplementationType ?? descriptor.ImplementationInstance?.GetType();
                if (type?.FullName is { } name) providers.Add(name);
            }
            // A configured rule can only be more specific than ours by a longer name, e.g. "...Diagnostics*": match it.
            var categories = new HashSet<string>(Categories, StringComparer.Ordinal);
            foreach (var rule in options.Rules)
                if (rule.CategoryName is { } name && Categories.Any(c => name.StartsWith(c, StringComparison.OrdinalIgnoreCase)))
                    categories.Add(name);
            foreach (var provider in providers)
                foreach (var category in categories)
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, filter: null));
        });
        return services;
    }
}
