using System.IO.Compression;
using System.Xml.Linq;

namespace Microsoft.ML.Transformer.Tests.Build;

/// <summary>The NuGet package: its contents, and an app that consumes it from a local feed (native fix included).</summary>
[Collection(LocalFeedApps.Name)]
public class PackageTests
{
    private static Lazy<(string Feed, string Version)> Packed => LocalFeed.Packed;

    [Fact]
    public void PackageShipsTheLibraryAndTheNativeFixAsBuildTransitiveAssets()
    {
        var (feed, version) = Packed.Value;
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"Microsoft.ML.Transformer.{version}.nupkg"));
        string[] entries = package.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/Microsoft.ML.Transformer.dll", entries);
        foreach (string folder in new[] { "build", "buildTransitive" })
        {
            Assert.Contains($"{folder}/Microsoft.ML.Transformer.targets", entries);
            Assert.Contains($"{folder}/TorchSharpNativeFix.targets", entries);
            Assert.Contains($"{folder}/TorchSharpNativeFix.cs", entries);
        }

        using var nuspecStream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        string[] dependencies = XDocument.Load(nuspecStream).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!).ToArray();
        Assert.Contains("TorchSharp", dependencies);
        Assert.Contains("Microsoft.ML", dependencies);
        Assert.Contains("Microsoft.ML.Tokenizers.Data.O200kBase", dependencies);
        Assert.DoesNotContain("TorchSharp-cpu", dependencies); // the app picks the native backend
        Assert.DoesNotContain("Publicizer", dependencies);     // build-time tool only
        Assert.DoesNotContain("Grpc.Tools", dependencies);     // build-time code generator of the ONNX schema only
    }

    [Fact]
    public void AppConsumingThePackageBuildsAndRunsTorchAndTheTokenizer()
    {
        var (feed, version) = Packed.Value;
        string app = TestPaths.NewTempDirectory();
        File.WriteAllText(Path.Combine(app, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="test-feed" value="{feed}" /></packageSources></configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.ML.Transformer" Version="{version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System;
            using Microsoft.ML;
            using Microsoft.ML.Transformer;
            using TorchSharp;
            using var sum = torch.ones(3, 4).sum();
            var ml = new MLContext();
            var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "hello world" } });
            var model = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Gpt2 }).Fit(data);
            Console.WriteLine($"sum={sum.item<float>()} tokens={string.Join(",", model.Tokenizer.Encode("hello world"))}");
            class Row { public string Text { get; set; } = ""; }
            """);
        try
        {
            var (exitCode, output) = ProcessRunner.Run(TestPaths.DotnetHost, ["run", "-c", "Release"], app, timeoutSeconds: 600);
            Assert.True(exitCode == 0, output);
            Assert.Contains("sum=12 tokens=31380,1002", output); // GPT-2 ids 31373, 995, shifted past the 7 special tokens
            // The torch call above ran, so the native library loaded; on hosts that need it, the package's buildTransitive
            // step patched the app's copy.
            string library = Path.Combine(app, "bin", "Release", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            if (OperatingSystem.IsLinux() && File.Exists(library))
                Assert.Equal(ElfVersionPatcher.WhyNoPatchIsNeeded(ElfVersionPatcher.DefaultVersionName) is null,
                    ElfVersionPatcher.IsVersionWeak(library, ElfVersionPatcher.DefaultVersionName));
        }
        finally
        {
            LocalFeed.ForgetCached(version);
        }
    }
}
