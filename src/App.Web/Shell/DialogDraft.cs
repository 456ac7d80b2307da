using System.Text.Json;
using Microsoft.JSInterop;

namespace App.Web.Shell;

/// <summary>What the user had typed into an open dialog when the page had to reload (wwwroot/js/app.js,
/// <c>appDrafts</c>): the dialog's draft key and its field values by element id.</summary>
public sealed record DialogDraft(string Key, Dictionary<string, string> Fields)
{
    // Shared by every circuit: taken over JS interop as a DialogDraft, its metadata would be built again in each circuit's
    // own interop serializer options (a few KB that every idle projects page kept).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Takes (and forgets) the draft saved for the current page, if any; one that cannot be read is dropped.</summary>
    public static async Task<DialogDraft?> TakeAsync(IJSRuntime js)
    {
        var saved = await js.InvokeAsync<string?>("appDrafts.take");
        if (string.IsNullOrEmpty(saved)) return null;
        try
        {
            return JsonSerializer.Deserialize<DialogDraft>(saved, Json) is { Key: not null, Fields: not null } draft ? draft : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string? Field(string id) => Fields.TryGetValue(id, out var value) ? value : null;
}
