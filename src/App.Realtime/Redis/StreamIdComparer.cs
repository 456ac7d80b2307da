namespace App.Realtime.Redis;

/// <summary>Orders Redis stream ids (<c>milliseconds-sequence</c>) numerically.</summary>
public static class StreamIdComparer
{
    public static int Compare(string a, string b)
    {
        var (am, asq) = Parse(a);
        var (bm, bsq) = Parse(b);
        return am != bm ? am.CompareTo(bm) : asq.CompareTo(bsq);
    }

    private static (ulong Ms, ulong Seq) Parse(string id)
    {
        var dash = id.IndexOf('-');
        return dash < 0
            ? (ulong.Parse(id), 0)
            : (ulong.Parse(id.AsSpan(0, dash)), ulong.Parse(id.AsSpan(dash + 1)));
    }
}
