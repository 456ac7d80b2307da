using StackExchange.Redis;

namespace App.Realtime.Redis;

/// <summary>Accepts <c>host:port</c>, StackExchange.Redis option strings, or <c>redis://[:password@]host:port[/db]</c>.</summary>
public static class RedisAddress
{
    public static ConfigurationOptions Parse(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            var uri = new Uri(url);
            if (string.IsNullOrEmpty(uri.Host)) throw new FormatException("no host");
            var options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
            options.EndPoints.Add(uri.Host, uri.Port > 0 ? uri.Port : 6379);
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                var parts = uri.UserInfo.Split(':', 2);
                if (parts.Length == 2)
                {
                    if (parts[0].Length > 0) options.User = Uri.UnescapeDataString(parts[0]);
                    options.Password = Uri.UnescapeDataString(parts[1]);
                }
                else options.Password = Uri.UnescapeDataString(parts[0]);
            }
            var path = uri.AbsolutePath.Trim('/');
            if (path.Length > 0)
                options.DefaultDatabase = int.TryParse(path, out var db) && db >= 0 ? db : throw new FormatException($"'{path}' is not a database number");
            return options;
        }
        var parsed = ConfigurationOptions.Parse(url);
        if (parsed.EndPoints.Count == 0) throw new FormatException("no host");
        return parsed;
    }

    /// <summary>host:port for messages (never the password).</summary>
    public static string Describe(string url)
    {
        try
        {
            return string.Join(",", Parse(url).EndPoints.Select(e => e.ToString()));
        }
        catch (Exception)
        {
            return "(invalid address)";
        }
    }
}
