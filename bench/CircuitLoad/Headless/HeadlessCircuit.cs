using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace CircuitLoad.Headless;

/// <summary>What every circuit of a run reports to: sequences seen in render batches, JS calls, errors.</summary>
public sealed class CircuitObserver(bool traceJs)
{
    /// <summary>(sequence, wall-clock ms of the batch's arrival), every match in every batch of every circuit.</summary>
    public readonly ConcurrentQueue<(long Sequence, double ArrivedAt)> Arrivals = new();
    public readonly ConcurrentDictionary<string, int> JsCalls = new();
    public readonly ConcurrentQueue<string> Errors = new();
    public long Batches;
    public long BatchBytes;
    public int Started;
    public bool TraceJs { get; } = traceJs;

    /// <summary>
    /// Answer JS.SavePersistedState with false, as a tab that cannot take its paused circuit's state: the server then
    /// keeps that state in its circuit persistence store (in memory by default) until the tab resumes or it expires.
    /// </summary>
    public bool RefusePersistedState { get; init; }

    public static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
}

/// <summary>
/// One virtual user's tab, without a browser: GETs the page with the user's cookie, starts a circuit on /_blazor the
/// way blazor.web.js does (StartCircuit, then UpdateRootComponents with the page's markers), acknowledges every render
/// batch and answers every JS interop call with a canned result, and ends with the disconnect beacon. It can pause and
/// resume its circuit the way Blazor.pauseCircuit() / Blazor.resumeCircuit() do for a hidden tab (HeadlessCircuit.Pause.cs).
/// </summary>
public sealed partial class HeadlessCircuit : IAsyncDisposable
{
    private static readonly Regex Marker = MarkerRegex();
    private static readonly Regex State = StateRegex();

    private readonly HubConnection connection;
    private readonly CircuitObserver observer;
    private volatile TaskCompletionSource firstBatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient http;
    private readonly Uri baseUrl;
    private long nextJsObjectId;
    private string? secret;
    private string? pageUri;
    private List<string> markers = [];
    private long maxSequence;

    /// <summary>The highest event sequence any render batch of this circuit carried (0: none yet).</summary>
    public long MaxSequence => Interlocked.Read(ref maxSequence);

    public int Workspace { get; }
    public string? Failure { get; private set; }
    public bool IsUp => Failure is null && connection.State == HubConnectionState.Connected && firstBatch.Task.IsCompletedSuccessfully;

    private HeadlessCircuit(Uri baseUrl, HttpClient http, string cookie, CircuitObserver observer, int workspace)
    {
        this.baseUrl = baseUrl;
        this.http = http;
        this.observer = observer;
        Workspace = workspace;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(baseUrl, "_blazor"), HttpTransportType.WebSockets, o =>
        {
            // blazor.web.js negotiates first; going straight to the WebSocket saves a request per circuit and is the
            // same connection afterwards.
            o.SkipNegotiation = true;
            o.Headers["Cookie"] = cookie;
        });
        builder.Services.AddSingleton<IHubProtocol>(BlazorPackProtocol.Instance);
        connection = builder.Build();
        connection.On("JS.RenderBatch", [typeof(long), typeof(byte[])], OnRenderBatch, this);
        connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], OnBeginInvokeJs, this);
        // Sent only while pausing: (circuit secret, protected root components, protected application state).
        connection.On("JS.SavePersistedState", [typeof(string), typeof(string), typeof(string)], OnSavePersistedState, this);
        connection.On("JS.Error", [typeof(string)], args =>
        {
            // After the disconnect beacon the server ends the circuit; a late call on the connection gets this error,
            // as a page being unloaded would.
            if (!disposing) Fail((pausing ? "JS.Error while pausing: " : "JS.Error: ") + args[0]);
            return Task.CompletedTask;
        });
        connection.Closed += ex =>
        {
            // The close this client made itself after PauseCircuit (consumed once, whenever the event runs).
            if (Interlocked.Exchange(ref closingForPause, 0) == 1) return Task.CompletedTask;
            if (secret is not null && !disposing) Fail("connection closed: " + (ex?.Message ?? "by the server"));
            return Task.CompletedTask;
        };
    }

    private volatile bool disposing;

    /// <summary>Opens the tab; null Failure and a first render batch means the circuit is interactive.</summary>
    public static async Task<HeadlessCircuit> OpenAsync(Uri baseUrl, HttpClient http, string cookie, string path, int workspace,
        CircuitObserver observer, TimeSpan timeout)
    {
        var circuit = new HeadlessCircuit(baseUrl, http, cookie, observer, workspace);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await circuit.StartAsync(cookie, path, cts.Token);
        }
        catch (Exception ex)
        {
            circuit.Fail(ex is OperationCanceledException ? $"not interactive within {timeout.TotalSeconds:F0} s" : ex.GetType().Name + ": " + ex.Message);
        }
        return circuit;
    }

    private async Task StartAsync(string cookie, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {response.Headers.Location}");
        var html = await response.Content.ReadAsStringAsync(ct);
        // Only markers with a descriptor start components on the server (the others are for WebAssembly or static).
        markers = Marker.Matches(html).Select(m => m.Groups[1].Value).Where(m => m.Contains("\"descriptor\"", StringComparison.Ordinal)).ToList();
        if (markers.Count == 0) throw new InvalidOperationException($"GET {path}: no interactive server component markers");
        var state = State.Match(html) is { Success: true } s ? s.Groups[1].Value : "";

        await connection.StartAsync(ct);
        pageUri = new Uri(baseUrl, path).ToString();
        secret = await connection.InvokeAsync<string?>("StartCircuit", baseUrl.ToString(), pageUri, "[]", state, ct)
                 ?? throw new InvalidOperationException("StartCircuit refused (null secret)");
        await connection.SendAsync("UpdateRootComponents", AddOperations(1), state, ct);
        await firstBatch.Task.WaitAsync(ct);
        Interlocked.Increment(ref observer.Started);
    }

    /// <summary>One "add" per marker, as blazor.web.js's WebRootComponentManager sends them (ssrComponentId from 1).</summary>
    private string AddOperations(int batchId)
    {
        var operations = new StringBuilder("{\"batchId\":").Append(batchId).Append(",\"operations\":[");
        for (var i = 0; i < markers.Count; i++)
        {
            if (i > 0) operations.Append(',');
            operations.Append("{\"type\":\"add\",\"ssrComponentId\":").Append(i + 1).Append(",\"marker\":").Append(markers[i]).Append('}');
        }
        return operations.Append("]}").ToString();
    }

    private Task OnRenderBatch(object?[] args, object _)
    {
        var id = (long)args[0]!;
        var bytes = (byte[])args[1]!;
        var arrived = CircuitObserver.NowMs();
        Interlocked.Increment(ref observer.Batches);
        Interlocked.Add(ref observer.BatchBytes, bytes.Length);
        var found = new List<long>(2);
        RenderBatchSequences.Find(bytes, found);
        foreach (var sequence in found)
        {
            observer.Arrivals.Enqueue((sequence, arrived));
            long seen;
            while (sequence > (seen = Interlocked.Read(ref maxSequence)) && Interlocked.CompareExchange(ref maxSequence, sequence, seen) != seen) { }
        }
        // Never await in a handler: the connection reads its next message only after this returns.
        if (!disconnectedForPause) _ = Acknowledge(id);
        firstBatch.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task Acknowledge(long id)
    {
        try
        {
            await connection.SendAsync("OnRenderCompleted", id, (string?)null);
        }
        catch (Exception ex)
        {
            // A pausing tab stops its connection right after PauseCircuit: a late answer is lost there too, harmlessly.
            if (!pausing && !disposing) Fail("ack failed: " + ex.Message);
        }
    }

    private Task OnBeginInvokeJs(object?[] args, object _)
    {
        var handle = (long)args[0]!;
        var identifier = (string?)args[1] ?? "";
        var resultType = (int)args[3]!;
        if (observer.TraceJs) observer.JsCalls.AddOrUpdate($"{identifier} (result type {resultType})", 1, (_, n) => n + 1);
        if (handle == 0 || disconnectedForPause) return Task.CompletedTask; // fire and forget, or a paused tab: no answer
        var result = resultType switch
        {
            1 => $"{{\"__jsObjectId\":{Interlocked.Increment(ref nextJsObjectId)}}}", // JSObjectReference (module imports)
            _ => CannedResults.For(identifier),
        };
        _ = Answer(handle, result);
        return Task.CompletedTask;
    }

    private async Task Answer(long handle, string resultJson)
    {
        try
        {
            await connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,{resultJson}]");
        }
        catch (Exception ex)
        {
            // A pausing tab stops its connection right after PauseCircuit: a late answer is lost there too, harmlessly.
            if (!pausing && !disposing) Fail("interop answer failed: " + ex.Message);
        }
    }

    private void Fail(string reason)
    {
        if (Failure is not null) return;
        Failure = reason;
        observer.Errors.Enqueue(reason);
        firstBatch.TrySetException(new InvalidOperationException(reason));
    }

    /// <summary>Ends the tab as a browser does (the disconnect beacon, so the server drops the circuit at once).</summary>
    public async ValueTask DisposeAsync()
    {
        disposing = true;
        if (secret is not null)
        {
            try
            {
                using var form = new FormUrlEncodedContent([new("circuitId", secret)]);
                using var _ = await http.PostAsync("_blazor/disconnect", form);
            }
            catch (HttpRequestException)
            {
                // The server is gone: nothing to release.
            }
        }
        await connection.DisposeAsync();
    }

    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex MarkerRegex();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex StateRegex();
}

/// <summary>Results for JS calls that return a value (identifiers logged with --trace-js in a trial run).</summary>
public static class CannedResults
{
    // What a 1366x800 window answers; the rest of the projects page's calls are void (null).
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["Blazor._internal.PageTitle.getAndRemoveExistingTitle"] = "\"Projects\"",
        ["mudpopoverHelper.countProviders"] = "1",
        ["mudElementRef.getBoundingClientRect"] = "{\"top\":0,\"left\":0,\"width\":1366,\"height\":48,\"windowHeight\":800,\"windowWidth\":1366,\"scrollX\":0,\"scrollY\":0}",
        ["mudResizeListener.getBrowserWindowSize"] = "{\"height\":800,\"width\":1366}",
    };

    public static string For(string identifier) => Known.TryGetValue(identifier, out var json) ? json : "null";
}
