using System.Text;

namespace App.Web.Jobs;

/// <summary>RFC 4180 CSV that spreadsheets cannot mistake for formulas (cells starting with = + - @ are prefixed).</summary>
public static class Csv
{
    public static string Line(params object?[] cells) => string.Join(",", cells.Select(Cell)) + "\r\n";

    public static byte[] Utf8(StringBuilder builder) => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(builder.ToString())).ToArray();

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss"),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' && value is string) text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}
