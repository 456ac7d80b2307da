namespace CircuitLoad.Headless;

/// <summary>
/// Finds event sequence numbers in a render batch without decoding it: the realtime probe renders the last sequence
/// as an attribute value, which the batch carries in its string table as UTF-8 digits after a LEB128 length (one
/// byte below 128). Sequences are 13+ digits (see RealtimeSequence), so short counters never match.
/// </summary>
public static class RenderBatchSequences
{
    private const int MinDigits = 12;
    private const int MaxDigits = 18;

    public static void Find(ReadOnlySpan<byte> batch, List<long> found)
    {
        var i = 0;
        while (i < batch.Length)
        {
            if (!IsDigit(batch[i])) { i++; continue; }
            var start = i;
            while (i < batch.Length && IsDigit(batch[i])) i++;
            var length = i - start;
            if (length is >= MinDigits and <= MaxDigits && start > 0 && batch[start - 1] == length)
            {
                long value = 0;
                for (var j = start; j < i; j++) value = value * 10 + (batch[j] - '0');
                found.Add(value);
            }
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
