using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tests.Architecture;

/// <summary>The layering rules of docs/architecture.md, checked on the source: Modules/ is TorchSharp math without
/// ML.NET, and no two folders depend on each other.</summary>
public class LayeringTests
{
    private static readonly SourceFolders Source = SourceFolders.Read();

    [Fact]
    public void ModulesUseNoMicrosoftMLNamespace()
    {
        string[] offenders = [.. Source.Code
            .Where(file => SourceFolders.FolderOf(file.Key) == "Modules")
            .Where(file => Regex.IsMatch(file.Value, @"\bMicrosoft\.ML\.(?!Transformer\b)\w+|\busing\s+Microsoft\.ML\s*;"))
            .Select(file => file.Key)];
        Assert.True(offenders.Length == 0, $"Modules/ must stay pure TorchSharp; these files use a Microsoft.ML namespace: {string.Join(", ", offenders)}");
    }

    [Fact]
    public void ModulesDependOnNoOtherFolder()
    {
        var uses = Source.Dependencies().GetValueOrDefault("Modules") ?? [];
        Assert.True(uses.Count == 0, $"Modules/ uses types of {string.Join(", ", uses.Select(SourceFolders.Show))}");
    }

    [Fact]
    public void NoTwoFoldersDependOnEachOther()
    {
        List<string> cycles = SourceFolders.Cycles(Source.Dependencies());
        Assert.True(cycles.Count == 0, "Folders that depend on each other: " + string.Join("; ", cycles));
    }

    [Fact]
    public void TheCheckSeesDependencies()
    {
        // Guards the check itself: known one-way uses must be found, or the tests above would pass on an empty graph.
        var dependencies = Source.Dependencies();
        Assert.Contains("Modules", dependencies["Classification"]);
        Assert.Contains("Training", dependencies["Seq2Seq"]);
        Assert.Equal(["A ↔ B"], SourceFolders.Cycles(new() { ["A"] = ["B"], ["B"] = ["A"], ["C"] = ["A"] }));
    }
}
