using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace App.Web.Shell;

/// <summary>
/// The dark palette as CSS variables that apply only when <c>&lt;html data-theme&gt;</c> asks for dark, or says
/// "system" and the system is dark. MudThemeProvider writes one palette to <c>:root</c>; this renders it once
/// more with <c>IsDarkMode</c> and rescopes its variables, so switching is a CSS matter: no circuit, no reload.
/// </summary>
public sealed partial class DarkThemeStylesheet(IServiceProvider services, ILoggerFactory loggers)
{
    private readonly Lazy<Task<string>> css = new(() => BuildAsync(services, loggers));

    public Task<string> GetAsync() => css.Value;

    private static async Task<string> BuildAsync(IServiceProvider services, ILoggerFactory loggers)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = ShellLayout.Theme,
                [nameof(MudThemeProvider.IsDarkMode)] = true,
            });
            return (await renderer.RenderComponentAsync<MudThemeProvider>(parameters)).ToHtmlString();
        });
        var root = RootVariables().Match(html);
        if (!root.Success) throw new InvalidOperationException("MudThemeProvider rendered no :root variables for the dark palette.");
        var variables = root.Groups["vars"].Value;
        return $":root[data-theme=\"dark\"]{{{variables}}}\n" +
               $"@media (prefers-color-scheme: dark){{:root[data-theme=\"system\"]{{{variables}}}}}";
    }

    [GeneratedRegex(@":root\s*\{(?<vars>[^}]*)\}")]
    private static partial Regex RootVariables();
}
