// In-process realtime benchmarks; prints markdown tables (progress on stderr).
//   dotnet run -c Release --project bench/App.Bench -- fanout|scoped|all [--quick] [--out FILE]
// --quick: small sizes, a smoke test (< 30 s). --out FILE: also append the tables to FILE.
using System.Runtime;
using System.Runtime.InteropServices;
using App.Bench;

string? command = null, outFile = null;
var quick = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--out" when i + 1 < args.Length: outFile = args[++i]; break;
        case "fanout" or "scoped" or "all" when command is null: command = args[i]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: fanout|scoped|all [--quick] [--out FILE]");
            return 2;
    }
}
command ??= "all";

var report = new Report(outFile);
report.Line($"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB available, " +
            $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
            $"{RuntimeInformation.OSDescription}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(quick ? ", --quick sizes (smoke test, not results)" : "")}.");
report.Line();
if (command is "fanout" or "all") await FanoutSection.RunAsync(report, quick);
if (command is "scoped" or "all") await ScopedSection.RunAsync(report, quick);
await report.SaveAsync();
return 0;
