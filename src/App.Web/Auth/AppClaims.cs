namespace App.Web.Auth;

public static class AppClaims
{
    /// <summary>"true" for operators (OPERATOR_EMAILS or granted in the console).</summary>
    public const string Operator = "app:operator";
    public const string DisplayName = "app:display-name";
}

public static class AuthPolicies
{
    public const string Operator = "operator";
}
