using Microsoft.JSInterop;

namespace App.Web.Shell;

/// <summary>What the user had typed into an open dialog when the page had to reload (wwwroot/js/app.js,
/// <c>appDrafts</c>): the dialog's draft key and its field values by element id.</summary>
public sealed record DialogDraft(string Key, Dictionary<string, string> Fields)
{
    /// <summary>Takes (and forgets) the draft saved for the current page, if any.</summary>
    public static async Task<DialogDraft?> TakeAsync(IJSRuntime js) =>
        await js.InvokeAsync<DialogDraft?>("appDrafts.take");

    public string? Field(string id) => Fields.TryGetValue(id, out var value) ? value : null;
}
