using App.Tests.Shared;
using Microsoft.Playwright;

namespace App.E2E.Infrastructure;

/// <summary>One headless Debian Chromium for the whole E2E run (Playwright's own browser download is not
/// used). Tests open their own contexts, so cookies never leak between users.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // The contexts opened by NewPageAsync, with the app they were opened on: closed when a test disposes that app.
    // Left open, a page of a stopped app keeps retrying and animating its red dot until the run ends; dozens of them
    // kept Chromium busy on half a core for the whole run and slowed every later test.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IBrowserContext, Uri> contexts = new();
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Explicit timeouts in tests state requirements ("within 1 s"); everything else may take a slow machine's time.
        Assertions.SetDefaultExpectTimeout(10_000);
        AppProcess.Disposed += CloseContextsOf;
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with a page at <paramref name="baseUrl"/>.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUrl, int width = 1400, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        contexts[context] = baseUrl;
        context.Close += (_, _) => contexts.TryRemove(context, out Uri? _);
        return await context.NewPageAsync();
    }

    private void CloseContextsOf(Uri app)
    {
        foreach (var (context, baseUrl) in contexts)
            if (baseUrl == app && contexts.TryRemove(context, out _)) _ = CloseQuietlyAsync(context);
    }

    private static async Task CloseQuietlyAsync(IBrowserContext context)
    {
        try
        {
            await context.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // Closed already (the browser is going away).
        }
    }

    public async Task DisposeAsync()
    {
        AppProcess.Disposed -= CloseContextsOf;
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
