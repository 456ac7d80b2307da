using System.Net;
using System.Text.RegularExpressions;

namespace CircuitLoad.Headless;

/// <summary>A signed-in user with their personal workspace: the cookie a browser would hold after signing up.</summary>
public sealed record BenchUser(string Email, string Slug, string Cookie);

/// <summary>Signs users up through the app's real registration form (antiforgery token, form post, auth cookie).</summary>
public static partial class BenchAccounts
{
    public static async Task<BenchUser> RegisterAsync(Uri baseUrl, string email, CancellationToken ct)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        var form = await http.GetStringAsync("Account/Register", ct);
        var token = Antiforgery().Match(form) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException("the registration form has no antiforgery token");
        const string password = "Bench-Passw0rd";
        using var post = await http.PostAsync("Account/Register", new FormUrlEncodedContent(
        [
            new("_handler", "register"), new("__RequestVerificationToken", token),
            new("Input.DisplayName", "Circuit Bench"), new("Input.Email", email),
            new("Input.Password", password), new("Input.ConfirmPassword", password),
        ]), ct);
        var location = post.Headers.Location?.ToString() ?? "";
        var slug = WorkspacePath().Match(location) is { Success: true } w ? w.Groups[1].Value
            : throw new InvalidOperationException($"registering {email}: {(int)post.StatusCode}, redirected to '{location}'");
        return new BenchUser(email, slug, cookies.GetCookieHeader(baseUrl));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("/w/([a-z0-9-]+)$")]
    private static partial Regex WorkspacePath();
}
