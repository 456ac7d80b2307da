using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using App.E2E.Infrastructure;
using App.Tests.Shared;

namespace App.E2E;

/// <summary>Each rate limit refuses with 429 and a Retry-After, against the real app with low limits. The other
/// tests run with the defaults, which a person never reaches.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RateLimitTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sign_in_attempts_over_the_per_address_limit_are_refused_before_they_count_toward_lockout()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["RATE_LIMIT_SIGN_IN_PER_IP"] = "3/15s" });
        var page = await browser.NewPageAsync(app.BaseUrl);
        var victim = await UserFlows.RegisterAsync(page, "Vic Limited");
        using var http = new HttpClient { BaseAddress = app.BaseUrl };

        // More wrong guesses than the lockout allows (5), from one address: only the first 3 reach the password check.
        // (A 15 s window: eight guesses, each hashing a password, took over 3 s on the loaded CI box.)
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var guess = 1; guess <= 8; guess++)
        {
            var response = await http.PostAsJsonAsync("api/auth/token", new { email = victim.Email, password = $"Guess-{guess}-wrong" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response;
        }
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        var retryAfter = AssertRetryAfter(refused!);
        Assert.Contains("Too many requests", await refused!.Content.ReadAsStringAsync());

        // Once the window has passed, the owner signs in: the refused guesses did not lock the account.
        await Task.Delay(TimeSpan.FromSeconds(retryAfter + 1)); // Retry-After is whole seconds
        var owner = await http.PostAsJsonAsync("api/auth/token", new { email = victim.Email, password = victim.Password });
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task Each_limit_answers_429_with_retry_after()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["RATE_LIMIT_SIGN_IN_PER_ACCOUNT"] = "2/1m",
            ["RATE_LIMIT_SIGN_UP_PER_IP"] = "3/1h",
            ["RATE_LIMIT_REALTIME_TOKENS_PER_USER"] = "2/1m",
            ["RATE_LIMIT_CONNECTIONS_PER_USER"] = "1",
            ["RATE_LIMIT_CIRCUITS_PER_USER"] = "1",
        });
        var page = await browser.NewPageAsync(app.BaseUrl);
        var user = await UserFlows.RegisterAsync(page, "Lim Ited"); // one sign-up; its page holds one circuit
        using var http = new HttpClient { BaseAddress = app.BaseUrl };

        // Sign-in per account: a third attempt for one email is refused; another email is not affected.
        var target = $"someone-{Guid.NewGuid():N}@example.test";
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("api/auth/token", new { email = target, password = "x" })).StatusCode);
        AssertRetryAfter(await http.PostAsJsonAsync("api/auth/token", new { email = target, password = "x" }), HttpStatusCode.TooManyRequests);
        var access = await RealtimeClients.AccessTokenAsync(app.BaseUrl, user);

        // Sign-up per address: the form posts after the limit are refused (these carry no antiforgery token, so the
        // ones let through answer 400).
        HttpResponseMessage signUp;
        var posts = 0;
        do
        {
            signUp = await http.PostAsync("Account/Register", new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "register" }));
            posts++;
        } while (signUp.StatusCode != HttpStatusCode.TooManyRequests && posts < 5);
        AssertRetryAfter(signUp, HttpStatusCode.TooManyRequests);
        Assert.Equal(3, posts); // the browser's sign-up and two posts used the 3 permits; the third post was refused

        // Realtime tokens per user: a third mint is refused.
        var sse1 = await RealtimeClients.SseTokenAsync(app.BaseUrl, access);
        var sse2 = await RealtimeClients.SseTokenAsync(app.BaseUrl, access);
        using var bearer = new HttpClient { BaseAddress = app.BaseUrl };
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", access);
        AssertRetryAfter(await bearer.PostAsync("api/realtime/sse-token", null), HttpStatusCode.TooManyRequests);

        // Connections per user (hub and SSE together): a second stream while the first is open is refused.
        var (firstStatus, first) = await RealtimeClients.SseStream.OpenAsync(app.BaseUrl, sse1);
        await using (first)
        {
            Assert.Equal(HttpStatusCode.OK, firstStatus);
            using var second = await http.GetAsync($"api/realtime/events?token={Uri.EscapeDataString(sse2)}", HttpCompletionOption.ResponseHeadersRead);
            AssertRetryAfter(second, HttpStatusCode.TooManyRequests);
        }

        // Circuits per user: the browser tab holds the only one; another circuit connection is refused.
        var cookies = await page.Context.CookiesAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        var circuitUrl = new UriBuilder(app.BaseUrl) { Scheme = "ws", Path = "/_blazor", Query = "id=whatever" }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(circuitUrl, CancellationToken.None));
        Assert.Equal(HttpStatusCode.TooManyRequests, socket.HttpStatusCode);
        Assert.True(socket.HttpResponseHeaders!.TryGetValue("Retry-After", out var circuitRetry) && int.Parse(circuitRetry.First()) > 0);
    }

    private static int AssertRetryAfter(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.TooManyRequests)
    {
        Assert.Equal(expected, response.StatusCode);
        var seconds = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.True(seconds is > 0, $"Retry-After missing or not positive: {response.Headers.RetryAfter}");
        return (int)seconds!.Value;
    }
}
