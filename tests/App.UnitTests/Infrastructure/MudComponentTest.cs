using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace App.UnitTests.Infrastructure;

/// <summary>bUnit with MudBlazor's services. MudBlazor's services are only async-disposable, so the context
/// is disposed through IAsyncLifetime.</summary>
public abstract class MudComponentTest : IAsyncLifetime
{
    protected MudComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
    }

    protected BunitContext Context { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
