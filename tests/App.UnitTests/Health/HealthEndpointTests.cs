using System.Net;
using System.Text.Json;
using App.Domain.Persistence;
using App.Tests.Shared;
using App.Web.Configuration;
using App.Web.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace App.UnitTests.Health;

/// <summary>/healthz tells anonymous callers only up or down; operators and loopback also learn where each
/// dependency is. A nearly full disk is "down".</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Loopback_callers_get_every_check_and_the_disk_is_one_of_them()
    {
        await using var app = await AppProcess.StartAsync();
        var (status, body) = await GetHealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        var checks = body.GetProperty("checks");
        Assert.Equal("up", checks.GetProperty("disk").GetProperty("status").GetString());
        Assert.Contains("MB free", checks.GetProperty("disk").GetProperty("description").GetString());
        Assert.Contains("app.db", checks.GetProperty("database").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Low_disk_makes_healthz_down_and_untrusted_callers_learn_nothing_else()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HEALTH_MIN_FREE_DISK_MB"] = "10000000", // more than any disk here has free: "low disk"
            ["OPS_TRUST_LOOPBACK"] = "false",         // so this loopback caller is treated like anyone else
        });
        var (status, body) = await GetHealthAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("""{"status":"unhealthy"}""", body.GetRawText());
    }

    [Fact]
    public async Task A_remote_anonymous_caller_gets_only_the_status()
    {
        var context = Request("203.0.113.7");
        await HealthExtensions.WriteAsync(context, Report());

        Assert.Equal("""{"status":"healthy"}""", await BodyAsync(context));
    }

    [Fact]
    public async Task A_loopback_caller_gets_the_details()
    {
        var context = Request("127.0.0.1");
        await HealthExtensions.WriteAsync(context, Report());

        Assert.Contains("/srv/app/app.db", await BodyAsync(context));
    }

    [Fact]
    public async Task A_remote_operator_gets_the_details()
    {
        var context = Request("203.0.113.7");
        context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(App.Web.Auth.AppClaims.Operator, "true")], "test"));
        await HealthExtensions.WriteAsync(context, Report());

        Assert.Contains("/srv/app/app.db", await BodyAsync(context));
    }

    private static async Task<(HttpStatusCode, JsonElement)> GetHealthAsync(AppProcess app)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(app.BaseUrl, "healthz"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static HealthReport Report() => new(new Dictionary<string, HealthReportEntry>
    {
        ["database"] = new(HealthStatus.Healthy, "Sqlite at /srv/app/app.db", TimeSpan.FromMilliseconds(1), null, null),
    }, TimeSpan.FromMilliseconds(1));

    private static DefaultHttpContext Request(string remoteAddress)
    {
        var settings = new AppSettings
        {
            Database = DatabaseSettings.Sqlite("/srv/app/app.db"), AutoMigrate = true, DatabaseConnectTimeout = TimeSpan.FromSeconds(5),
            DataPath = "/srv/app", DataProtectionKeysPath = "/srv/app/keys", RealtimeRedisPrefix = "app", TenancyMode = "personal",
            OperatorEmails = [],
        };
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(settings).BuildServiceProvider(),
        };
        context.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<string> BodyAsync(DefaultHttpContext context)
    {
        context.Response.Body.Position = 0;
        return await new StreamReader(context.Response.Body).ReadToEndAsync();
    }
}
