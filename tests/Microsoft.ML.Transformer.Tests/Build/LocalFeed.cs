namespace Microsoft.ML.Transformer.Tests.Build;

/// <summary>The already-built library packed once per test process into a temporary feed, under a unique version so
/// that the NuGet cache never serves a stale copy.</summary>
internal static class LocalFeed
{
    public static readonly Lazy<(string Feed, string Version)> Packed = new(Pack);

    private static (string Feed, string Version) Pack()
    {
        string feed = TestPaths.NewTempDirectory();
        string version = "0.0.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + Guid.NewGuid().ToString("N")[..6];
        string project = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.Transformer", "Microsoft.ML.Transformer.csproj");
        var (exitCode, output) = ProcessRunner.Run(TestPaths.DotnetHost,
            ["pack", project, "--no-build", "-c", TestPaths.Configuration, "-o", feed, $"-p:PackageVersion={version}"]);
        Assert.True(exitCode == 0, output);
        return (feed, version);
    }

    /// <summary>Removes <paramref name="version"/> from the NuGet cache, where the unique test versions must not pile up.</summary>
    public static void ForgetCached(string version)
    {
        string cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "microsoft.ml.transformer", version);
        if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
    }
}

/// <summary>The apps restored from <see cref="LocalFeed"/> share its package version, which each removes from the NuGet
/// cache when done: they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class LocalFeedApps
{
    public const string Name = "Apps on the local feed";
}
