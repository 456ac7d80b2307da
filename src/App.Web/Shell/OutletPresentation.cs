namespace App.Web.Shell;

/// <summary>How an outlet draws link placements: as buttons in a bar, or as nav links in a menu.</summary>
public enum OutletPresentation
{
    Bar,
    Menu,
    Inline,
}
