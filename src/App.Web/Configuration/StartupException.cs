namespace App.Web.Configuration;

/// <summary>Bad configuration or an unreachable dependency at start-up. Program prints the message as one
/// line (no stack trace) and exits non-zero: fail closed and early.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
