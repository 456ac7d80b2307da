using System.Globalization;

namespace CircuitLoad.Headless;

/// <summary>One step of the scale run, as a markdown row and a JSON line (bench/run-circuits.sh reads the JSON).</summary>
public sealed class RunResult
{
    public string Label { get; init; } = "";
    public int Cores { get; init; }
    public int Requested { get; init; }
    public int Workspaces { get; init; }
    public int Held { get; init; }
    public int Failed { get; init; }
    public double OpenSeconds { get; init; }
    public double OpenRate { get; init; }
    public double ServerCpuMsPerOpen { get; init; }
    public int Events { get; init; }
    public long Seen { get; init; }
    public long Expected { get; init; }
    public double P50 { get; init; }
    public double P99 { get; init; }
    public double Max { get; init; }
    public double ServerCpuPercent { get; init; }
    public double GeneratorCpuPercent { get; init; }
    public double ManagedKbPerCircuit { get; init; }
    public double WorkingSetKbPerCircuit { get; init; }
    public double WorkingSetMb { get; init; }
    public int ServerConnections { get; init; }
    public long Batches { get; init; }
    public string FirstErrors { get; init; } = "";

    public const string MarkdownHeader =
        "| circuits | workspaces | held | failed | open rate /s | events | sequences rendered / expected | p50 / p99 / max ms | server CPU (events) | generator CPU (events) | managed KB / circuit | working set KB / circuit | working set MB |\n" +
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    public string MarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Requested:N0} | {Workspaces} | {Held:N0} | {Failed:N0} | {OpenRate:F0} | {Events:N0} | {Seen:N0} / {Expected:N0} | {P50:F1} / {P99:F1} / {Max:F1} | {ServerCpuPercent:F0}% | {GeneratorCpuPercent:F0}% | {ManagedKbPerCircuit:F0} | {WorkingSetKbPerCircuit:F0} | {WorkingSetMb:F0} |");
}
