using System.Net;
using App.Tests.Shared;

namespace App.UnitTests.Observability;

/// <summary>Operators scrape /metrics (Prometheus text) from loopback; everyone else gets 404. With
/// OTEL_EXPORTER_OTLP_ENDPOINT set, metrics and traces are pushed to that collector.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Loopback_scrapes_http_realtime_and_circuit_metrics_and_others_get_404()
    {
        await using var app = await AppProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        await http.GetAsync("/Account/Login"); // one page request, so the HTTP histograms have a sample

        var scrape = await http.GetAsync("/metrics");
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", text);
        Assert.Contains("realtime_published", text);
        Assert.Contains("realtime_delivered", text);

        await using var locked = await AppProcess.StartAsync(new Dictionary<string, string> { ["OPS_TRUST_LOOPBACK"] = "false" });
        using var anonymous = new HttpClient { BaseAddress = locked.BaseUrl };
        var refused = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("realtime_published", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_an_otlp_endpoint_metrics_and_traces_are_pushed_to_the_collector()
    {
        var port = AppProcess.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new HashSet<string>();
        var gotBoth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try { context = await collector.GetContextAsync(); }
                catch (Exception) { return; }
                lock (received)
                {
                    received.Add(context.Request.Url!.AbsolutePath);
                    if (received.Contains("/v1/metrics") && received.Contains("/v1/traces")) gotBoth.TrySetResult();
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        await http.GetAsync("/Account/Login");

        var done = await Task.WhenAny(gotBoth.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        lock (received) Assert.True(done == gotBoth.Task, $"collector received: {string.Join(", ", received)}\n{app.Tail()}");
    }

    [Fact]
    public async Task A_bad_otlp_endpoint_stops_start_up_with_one_line()
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317" });
        Assert.Equal(2, exitCode);
        Assert.Contains("startup failed: OTEL_EXPORTER_OTLP_ENDPOINT='collector:4317' must be an http(s) URL", output);
    }
}
