using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tests.Build;

/// <summary>docs/getting-started.md as a user follows it: its nuget.config, project and program, written to a fresh
/// folder, restored from the packed package and run on a small gzipped TSV, so they compile against the package (not
/// the repo's publicized assemblies) and work.</summary>
[Collection(LocalFeedApps.Name)]
public partial class QuickStartTests
{
    [Fact]
    public void TheGettingStartedAppBuildsAndTrainsOnThePackage()
    {
        var (feed, version) = LocalFeed.Packed.Value;
        string app = TestPaths.NewTempDirectory();
        Dictionary<string, string> files = DocumentedFiles();
        Assert.Equal(["Program.cs", "QuickStart.csproj", "nuget.config"], files.Keys.Order(StringComparer.Ordinal));
        File.WriteAllText(Path.Combine(app, "nuget.config"), Replace(files["nuget.config"], "../MLTransformer/artifacts/packages", feed));
        File.WriteAllText(Path.Combine(app, "QuickStart.csproj"),
            Replace(files["QuickStart.csproj"], "\"Microsoft.ML.Transformer\" Version=\"0.1.0\"", $"\"Microsoft.ML.Transformer\" Version=\"{version}\""));
        File.WriteAllText(Path.Combine(app, "Program.cs"), files["Program.cs"]);
        WriteReviews(Path.Combine(app, "train.tsv.gz"), 64, seed: 1);
        WriteReviews(Path.Combine(app, "test.tsv.gz"), 16, seed: 2);
        try
        {
            // one epoch keeps the test fast; the short run's warning shows that the documented log filter lets warnings through
            var (exitCode, output) = ProcessRunner.Run(TestPaths.DotnetHost, ["run", "-c", "Release", "--", "train.tsv.gz", "test.tsv.gz", "1"], app,
                timeoutSeconds: 600);
            Assert.True(exitCode == 0, output);
            Assert.Contains("Training makes only 2 optimizer steps (1 epochs × 2)", output);
            Assert.Contains("epoch 1: loss ", output);
            Assert.Contains("test accuracy ", output);
            Assert.Contains("saved, reloaded; 'A wonderful film…' is positive: ", output);
            Assert.DoesNotContain("Kind=Trace", output);
        }
        finally
        {
            LocalFeed.ForgetCached(version);
        }
    }

    /// <summary>The fenced blocks of docs/getting-started.md that follow a <c>&lt;!-- file: name --&gt;</c> line, by name.</summary>
    private static Dictionary<string, string> DocumentedFiles()
        => FileBlock().Matches(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "getting-started.md")))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["body"].Value);

    [GeneratedRegex(@"<!-- file: (?<name>\S+) -->\r?\n```\w*\r?\n(?<body>.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex FileBlock();

    private static string Replace(string text, string documented, string actual)
    {
        Assert.Contains(documented, text);
        return text.Replace(documented, actual, StringComparison.Ordinal);
    }

    /// <summary>A gzipped TSV in the documented layout: a header, then "1" or "0", a tab and a short review per line.</summary>
    private static void WriteReviews(string path, int count, int seed)
    {
        string[] good = ["was wonderful", "moved me", "is a masterpiece"], bad = ["was boring", "made no sense", "is a mess"];
        var random = new Random(seed);
        using var writer = new StreamWriter(new GZipStream(File.Create(path), CompressionLevel.Fastest));
        writer.WriteLine("label\ttext");
        for (int i = 0; i < count; i++)
        {
            bool positive = random.Next(2) == 1;
            string[] verdicts = positive ? good : bad;
            writer.WriteLine($"{(positive ? 1 : 0)}\tThe film {verdicts[random.Next(3)]}.<br />The ending {verdicts[random.Next(3)]}.");
        }
    }
}
