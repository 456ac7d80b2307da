using Microsoft.AspNetCore.SignalR.Client;

namespace CircuitLoad.Headless;

/// <summary>
/// Pause and resume, as blazor.web.js 10.0 does for Blazor.pauseCircuit() / Blazor.resumeCircuit() (CircuitManager.ts):
/// pause = invoke PauseCircuit (the server persists the circuit's root components and component state, sends them to
/// the client with JS.SavePersistedState, disposes the circuit) then stop the connection whatever the answer; resume = a
/// new connection, ResumeCircuit(old secret, baseUri, uri, rootComponents, applicationState) with the state the client
/// was given ("[]" and "" when it holds none: the server then looks in its own persistence store), which answers a new
/// secret, then UpdateRootComponents with the page's "add" operations again (the server takes the descriptors from the
/// persisted state and matches them by ssrComponentId).
/// </summary>
public sealed partial class HeadlessCircuit
{
    private static readonly TimeSpan StateGrace = TimeSpan.FromMilliseconds(50);
    private int closingForPause;
    private TaskCompletionSource stateArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool pausing; // from PauseCircuit until the resume's new connection is up
    // From PauseCircuit's answer until the resume: the browser has disconnected by then, so nothing is acknowledged or
    // answered (the server disposes the circuit meanwhile and answers a late call with JS.Error "shut down").
    private volatile bool disconnectedForPause;
    private (string Components, string ApplicationState)? persistedState;

    /// <summary>The persisted state the server sent with JS.SavePersistedState and this client kept, if any.</summary>
    public int PersistedStateChars => persistedState is { } s ? s.Components.Length + s.ApplicationState.Length : 0;

    /// <summary>Whether the server sent JS.SavePersistedState during the last pause (kept or refused).</summary>
    public bool StateOffered { get; private set; }

    /// <summary>The size of the state the server sent during the last pause (kept or refused), in characters.</summary>
    public int OfferedStateChars { get; private set; }

    public bool IsPaused { get; private set; }

    private Task<object?> OnSavePersistedState(object?[] args, object _)
    {
        StateOffered = true;
        stateArrived.TrySetResult();
        OfferedStateChars = ((string?)args[1])?.Length + ((string?)args[2])?.Length ?? 0;
        if (observer.RefusePersistedState) return Task.FromResult<object?>(false);
        if ((string?)args[0] != secret)
        {
            Fail("JS.SavePersistedState for another circuit");
            return Task.FromResult<object?>(false);
        }
        persistedState = ((string?)args[1] ?? "", (string?)args[2] ?? "");
        return Task.FromResult<object?>(true);
    }

    /// <summary>Pauses an interactive circuit; false (and Failure set) when the server refused or the call failed.</summary>
    public async Task<bool> PauseAsync(TimeSpan timeout)
    {
        if (!IsUp) return false;
        using var cts = new CancellationTokenSource(timeout);
        StateOffered = false;
        stateArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        OfferedStateChars = 0;
        persistedState = null;
        Volatile.Write(ref closingForPause, 1);
        pausing = true;
        var paused = false;
        try
        {
            paused = await connection.InvokeAsync<bool>("PauseCircuit", cts.Token);
            disconnectedForPause = true;
            if (!paused) Fail("PauseCircuit refused");
        }
        catch (Exception ex)
        {
            Fail("PauseCircuit: " + ex.GetType().Name + ": " + ex.Message);
        }
        // Chromium (observed with this app): the server's PauseCircuit answer and JS.SavePersistedState arrive together;
        // blazor.web.js runs every handler of that read, writing its "true" answer, before its disconnect continuation
        // runs, so the server keeps nothing. The .NET client hands messages over one at a time and writes answers on
        // other tasks, so wait briefly for the state and for the answer to go out; without this every answer was lost
        // and the server kept a copy of every state (as Chromium did once, with a cold server sending the state late).
        await Task.WhenAny(stateArrived.Task, Task.Delay(StateGrace));
        if (stateArrived.Task.IsCompleted) await Task.Delay(StateGrace);
        // blazor.web.js disconnects whatever the answer.
        await connection.StopAsync();
        IsPaused = paused;
        return paused;
    }

    /// <summary>Resumes a paused circuit; true once the resumed circuit's first render batch arrived.</summary>
    public async Task<bool> ResumeAsync(TimeSpan timeout)
    {
        if (!IsPaused || Failure is not null) return false;
        using var cts = new CancellationTokenSource(timeout);
        firstBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await connection.StartAsync(cts.Token);
            pausing = false;
            disconnectedForPause = false;
            var state = persistedState;
            persistedState = null;
            secret = await connection.InvokeAsync<string?>("ResumeCircuit", secret, baseUrl.ToString(), pageUri,
                         state?.Components ?? "[]", state?.ApplicationState ?? "", cts.Token)
                     ?? throw new InvalidOperationException("ResumeCircuit refused (null secret)");
            IsPaused = false;
            // The first batch was 1; after a resume blazor.web.js re-adds its root components in its next batch, with no
            // new prerendered state (the server uses the persisted one).
            await connection.SendAsync("UpdateRootComponents", AddOperations(2), "", cts.Token);
            await firstBatch.Task.WaitAsync(cts.Token);
            return true;
        }
        catch (Exception ex)
        {
            Fail(ex is OperationCanceledException ? $"resume: not interactive within {timeout.TotalSeconds:F0} s" : "resume: " + ex.GetType().Name + ": " + ex.Message);
            return false;
        }
    }
}
