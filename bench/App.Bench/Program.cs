// In-process realtime benchmarks; prints markdown tables (progress on stderr).
//   dotnet run -c Release --project bench/App.Bench -- fanout|scoped|all [--quick] [--out FILE] [--n 10000,50000] [--w 100]
// --quick: small sizes, a smoke test (< 30 s). --out FILE: also append the tables to FILE.
// --n / --w: only these fan-out subscriber / workspace counts (to re-run one configuration).
using System.Runtime;
using System.Runtime.InteropServices;
using App.Bench;

string? command = null, outFile = null;
var quick = false;
int[]? onlySubscribers = null, onlyWorkspaces = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--out" when i + 1 < args.Length: outFile = args[++i]; break;
        case "--n" when i + 1 < args.Length: onlySubscribers = Ints(args[++i]); break;
        case "--w" when i + 1 < args.Length: onlyWorkspaces = Ints(args[++i]); break;
        case "fanout" or "scoped" or "all" when command is null: command = args[i]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: fanout|scoped|all [--quick] [--out FILE] [--n N,..] [--w W,..]");
            return 2;
    }
}
command ??= "all";

var report = new Report(outFile);
var datas = AppContext.GetData("System.GC.DynamicAdaptationMode")?.ToString() == "0" ? "DATAS off" : "DATAS on";
report.Line($"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB available, " +
            $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? $"server GC ({datas})" : "workstation GC")}, " +
            $"{RuntimeInformation.OSDescription}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(quick ? ", --quick sizes (smoke test, not results)" : "")}.");
report.Line();
if (command is "fanout" or "all") await FanoutSection.RunAsync(report, quick, onlySubscribers, onlyWorkspaces);
if (command is "scoped" or "all") await ScopedSection.RunAsync(report, quick);
await report.SaveAsync();
return 0;

static int[] Ints(string list) => list.Split(',').Select(int.Parse).ToArray();
