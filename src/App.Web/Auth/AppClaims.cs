namespace App.Web.Auth;

public static class AppClaims
{
    /// <summary>"true" for operators (OPERATOR_EMAILS or granted in the console).</summary>
    public const string Operator = "app:operator";
    public const string DisplayName = "app:display-name";
    /// <summary>When the sign-in cookie that authenticated this request expires (Unix seconds). Added per request, never
    /// stored in the cookie: a circuit keeps the principal it started with, and ends when this time has passed.</summary>
    public const string SessionExpires = "app:session-expires";
}

public static class AuthPolicies
{
    public const string Operator = "operator";
}
