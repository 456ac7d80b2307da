using System.Text.RegularExpressions;
using App.E2E.Infrastructure;
using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E;

/// <summary>Sharing a workspace the way people do it: the owner invites by email and copies a link, the invitee
/// registers through it and lands in the workspace, the owner sees them arrive and removes them again.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SharingTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_owner_invites_by_link_the_invitee_registers_and_joins_and_is_removed_live()
    {
        await using var app = await AppProcess.StartAsync();
        var olivePage = await browser.NewPageAsync(app.BaseUrl);
        var bobPage = await browser.NewPageAsync(app.BaseUrl);
        var carolPage = await browser.NewPageAsync(app.BaseUrl);
        var olive = await UserFlows.RegisterAsync(olivePage, "Olive Owner");
        var bob = await UserFlows.RegisterAsync(bobPage, "Bob Bystander");
        var carolEmail = $"carol.{Guid.NewGuid():N}"[..18] + "@example.test";

        // Olive opens Members from the shell and makes a link for Carol, who has no account yet.
        await olivePage.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await olivePage.WaitForURLAsync(new Regex($"/w/{olive.Slug}/members$"));
        await Assertions.Expect(olivePage.Locator(".member-name")).ToHaveTextAsync(["Olive Owner (you)"]);
        await olivePage.Locator("#invite-email").FillAsync(carolEmail);
        await olivePage.Locator("#invite-create").ClickAsync();
        var link = await LinkShownAsync(olivePage, carolEmail);
        await Assertions.Expect(olivePage.Locator(".invite-email")).ToHaveTextAsync([carolEmail]);

        // Inviting someone who is already a member is refused next to the field.
        await olivePage.Locator("#invite-email").FillAsync(olive.Email);
        await olivePage.Locator("#invite-create").ClickAsync();
        await Assertions.Expect(olivePage.GetByText($"{olive.Email} is already a member of Olive Owner.")).ToBeVisibleAsync();

        // Carol follows the link, registers through it and joins.
        await carolPage.GotoInteractiveAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(carolPage.Locator("#invite-summary")).ToHaveTextAsync($"Olive Owner invited {carolEmail} to join Olive Owner.");
        await carolPage.Locator("#invite-register").ClickAsync();
        await carolPage.WaitForURLAsync(new Regex("/Account/Register"));
        await carolPage.Locator("#register-name").FillAsync("Carol Invitee");
        await carolPage.Locator("#register-email").FillAsync(carolEmail);
        await carolPage.Locator("#register-password").FillAsync(UserFlows.Password);
        await carolPage.Locator("#register-confirm").FillAsync(UserFlows.Password);
        await carolPage.Locator("#register-submit").ClickAsync();
        await carolPage.WaitForURLAsync(new Regex("/invite/"));
        await carolPage.WaitForInteractiveAsync();
        await carolPage.Locator("#invite-accept").ClickAsync();
        await carolPage.WaitForURLAsync(new Regex($"/w/{olive.Slug}/projects$"));
        await Assertions.Expect(carolPage.Locator("#workspace-name")).ToHaveTextAsync("Olive Owner");
        // Her switcher names the workspace she is in and lists both of hers.
        await Assertions.Expect(carolPage.Locator("#workspace-switcher")).ToContainTextAsync("Olive Owner");
        await carolPage.Locator("#workspace-switcher button").First.ClickAsync();
        await Assertions.Expect(carolPage.Locator(".workspace-switcher-item:visible")).ToHaveTextAsync(["Carol Invitee", "Olive Owner"]);
        await carolPage.Keyboard.PressAsync("Escape");

        // Olive's open page shows Carol arrive and the invite leave the pending list, without a reload.
        await Assertions.Expect(olivePage.Locator(".member-name")).ToHaveTextAsync(["Olive Owner (you)", "Carol Invitee"]);
        await Assertions.Expect(olivePage.Locator("#invites-empty")).ToBeVisibleAsync();

        // The link is used up; Carol, a member but not an owner, sees no owner controls.
        var reused = await browser.NewPageAsync(app.BaseUrl);
        await reused.GotoInteractiveAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(reused.Locator("#invite-error")).ToHaveTextAsync("This invite link has already been used.");
        await carolPage.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await Assertions.Expect(carolPage.Locator(".member-name")).ToHaveCountAsync(2);
        await Assertions.Expect(carolPage.Locator("#invite-create")).ToHaveCountAsync(0);
        await Assertions.Expect(carolPage.Locator(".member-remove")).ToHaveCountAsync(0);

        // Bob is not a member: the page does not exist for him.
        var bobResponse = await bobPage.GotoAsync($"/w/{olive.Slug}/members");
        Assert.Equal(404, bobResponse!.Status);

        // A revoked link says so.
        await olivePage.Locator("#invite-email").FillAsync(bob.Email);
        await olivePage.Locator("#invite-create").ClickAsync();
        var bobLink = await LinkShownAsync(olivePage, bob.Email);
        await olivePage.GetByRole(AriaRole.Button, new() { Name = $"Revoke the invite for {bob.Email}" }).ClickAsync();
        await Assertions.Expect(olivePage.Locator("#invites-empty")).ToBeVisibleAsync();
        await bobPage.GotoInteractiveAsync(new Uri(bobLink).PathAndQuery);
        await Assertions.Expect(bobPage.Locator("#invite-error")).ToContainTextAsync("revoked");

        // Olive removes Carol after confirming; Carol's open page says at once that she lost the workspace.
        await olivePage.GetByRole(AriaRole.Button, new() { Name = "Remove Carol Invitee" }).ClickAsync();
        // The confirm button is destructive-styled and names the action; afterwards a snackbar says it happened.
        var confirm = olivePage.GetByRole(AriaRole.Button, new() { Name = "Remove member", Exact = true });
        await Assertions.Expect(confirm).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled-error"));
        await confirm.ClickAsync();
        await Assertions.Expect(olivePage.Locator(".mud-snackbar", new() { HasText = "Removed Carol Invitee" })).ToBeVisibleAsync();
        await Assertions.Expect(olivePage.Locator(".member-name")).ToHaveTextAsync(["Olive Owner (you)"]);
        await Assertions.Expect(carolPage.Locator("#workspace-lost")).ToHaveTextAsync("You are no longer a member of Olive Owner.");
        await carolPage.Locator("#workspace-switcher button").First.ClickAsync();
        await Assertions.Expect(carolPage.Locator(".workspace-switcher-item:visible")).ToHaveTextAsync(["Carol Invitee"]);
    }

    private static async Task<string> LinkShownAsync(IPage page, string email)
    {
        await Assertions.Expect(page.Locator("#invite-created")).ToContainTextAsync($"Send this link to {email}.");
        var field = page.Locator("#invite-link");
        await Assertions.Expect(field).ToHaveValueAsync(new Regex("/invite/[A-Za-z0-9_-]{43}$"));
        return await field.InputValueAsync();
    }
}
