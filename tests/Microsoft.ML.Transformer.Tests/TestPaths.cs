namespace Microsoft.ML.Transformer.Tests;

/// <summary>Locations of the repository and build outputs as seen from the test assembly.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>"Debug" or "Release": the configuration these tests were built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string SamplesDll => Path.Combine(RepoRoot, "src", "Samples", "bin", Configuration, "net10.0", "Samples.dll");

    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>A new empty folder under this run's temporary root, which is deleted when the test process exits: the
    /// package tests build consumer apps of about 1.2 GB each, and a thousand runs' leftovers once filled the disk.</summary>
    public static string NewTempDirectory()
    {
        string dir = Path.Combine(RunTempRoot.Value, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static readonly Lazy<string> RunTempRoot = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), "mlt-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // a file still held: leave the rest
        };
        return root;
    });

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLTransformer.sln"))) return dir.FullName;
        throw new InvalidOperationException("MLTransformer.sln not found above " + AppContext.BaseDirectory);
    }
}
