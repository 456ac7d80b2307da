using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace App.E2E.Infrastructure;

/// <summary>Sharing through the members page and the invite link, as the owner and the invitee do it.</summary>
public static class SharingFlows
{
    /// <summary>The owner invites <paramref name="member"/> (who has an account) and the member joins through the link;
    /// ends with the member on the workspace's projects page.</summary>
    public static async Task InviteAndJoinAsync(IPage ownerPage, TestUser owner, IPage memberPage, TestUser member)
    {
        await ownerPage.GotoInteractiveAsync($"/w/{owner.Slug}/members");
        await ownerPage.Locator("#invite-email").FillAsync(member.Email);
        await ownerPage.Locator("#invite-create").ClickAsync();
        await Assertions.Expect(ownerPage.Locator("#invite-created")).ToContainTextAsync($"Send this link to {member.Email}.");
        var link = await ownerPage.Locator("#invite-link").InputValueAsync();
        await memberPage.GotoInteractiveAsync(new Uri(link).PathAndQuery);
        await memberPage.Locator("#invite-accept").ClickAsync();
        await memberPage.WaitForURLAsync(new Regex($"/w/{owner.Slug}/projects$"));
        await memberPage.WaitForInteractiveAsync();
    }
}
