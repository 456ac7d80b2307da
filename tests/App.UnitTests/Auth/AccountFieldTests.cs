using System.ComponentModel.DataAnnotations;
using App.UnitTests.Infrastructure;
using App.Web.Auth.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace App.UnitTests.Auth;

/// <summary>The static account pages' field draws MudBlazor's outlined text field: label inside the box (on the outline
/// once there is a value), the validation message where MudBlazor puts its error text.</summary>
public sealed class AccountFieldTests : MudComponentTest
{
    private sealed class Model
    {
        [Required(ErrorMessage = "Email is required.")] public string Email { get; set; } = "";
    }

    private IRenderedComponent<EditForm> Render(Model model, string? helper = null) =>
        Context.Render<EditForm>(p => p
            .Add(f => f.Model, model)
            .Add(f => f.ChildContent, (RenderFragment<EditContext>)(_ => b =>
            {
                b.OpenComponent<DataAnnotationsValidator>(0);
                b.CloseComponent();
                b.OpenComponent<AccountField>(1);
                b.AddComponentParameter(2, nameof(AccountField.Id), "email");
                b.AddComponentParameter(3, nameof(AccountField.Label), "Email");
                b.AddComponentParameter(4, nameof(AccountField.Value), model.Email);
                b.AddComponentParameter(5, nameof(AccountField.ValueExpression), (System.Linq.Expressions.Expression<Func<string?>>)(() => model.Email));
                b.AddComponentParameter(6, nameof(AccountField.HelperText), helper);
                b.CloseComponent();
            })));

    [Fact]
    public void An_empty_field_has_its_label_inside_the_outlined_box()
    {
        var cut = Render(new Model(), helper: "We never share it.");

        var input = cut.Find("input#email");
        Assert.Contains("mud-input-root-outlined", input.ClassList);
        var box = input.Closest(".mud-input")!;
        Assert.Contains("mud-input-outlined", box.ClassList);
        Assert.DoesNotContain("mud-shrink", box.ClassList);
        var label = cut.Find("label[for='email']");
        Assert.Equal("Email", label.TextContent);
        Assert.Contains("mud-input-label-outlined", label.ClassList);
        Assert.Equal(" ", input.GetAttribute("placeholder")); // what the CSS moves the label on
        Assert.Equal("We never share it.", cut.Find("#email-help").TextContent.Trim());
        Assert.Equal("email-help", input.GetAttribute("aria-describedby"));
    }

    [Fact]
    public void A_value_sent_back_puts_the_label_on_the_outline()
    {
        var cut = Render(new Model { Email = "ada@example.test" });

        Assert.Contains("mud-shrink", cut.Find("input#email").Closest(".mud-input")!.ClassList);
        Assert.Empty(cut.FindAll("#email-help"));
    }

    [Fact]
    public void A_refused_value_shows_its_message_as_the_fields_error()
    {
        var cut = Render(new Model(), helper: "We never share it.");

        cut.Find("form").Submit();

        var help = cut.Find("#email-help");
        Assert.Equal("Email is required.", help.TextContent.Trim());
        Assert.Contains("mud-input-error", help.QuerySelector(".mud-input-helper-text")!.ClassList);
        Assert.Contains("mud-input-error", cut.Find("label[for='email']").ClassList);
        Assert.Contains("mud-input-error", cut.Find(".mud-input-control").ClassList);
    }
}
