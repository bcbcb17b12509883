using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tests.Architecture;

/// <summary>
/// The library's source read as folders: which types each folder declares and which folders' types each folder's code
/// names. Comments and string literals are ignored, so a doc link or a message is not a dependency; a type name
/// declared in two folders is ignored too, since the name alone cannot say which one is meant.
/// </summary>
internal sealed partial class SourceFolders
{
    public static readonly string Root = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.Transformer");

    private SourceFolders(Dictionary<string, string> code) => Code = code;

    /// <summary>Each source file's code (comments and strings removed), by path relative to <see cref="Root"/>.</summary>
    public IReadOnlyDictionary<string, string> Code { get; }

    public static SourceFolders Read()
        => new(Directory.EnumerateFiles(Root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .ToDictionary(path => Path.GetRelativePath(Root, path), path => StripCommentsAndStrings(File.ReadAllText(path))));

    /// <summary>The folder of a file ("" for the project root).</summary>
    public static string FolderOf(string relativePath) => Path.GetDirectoryName(relativePath) ?? "";

    /// <summary>Folder → the other folders whose types its code names.</summary>
    public Dictionary<string, SortedSet<string>> Dependencies()
    {
        var declaredIn = new Dictionary<string, string?>();
        foreach (var (path, code) in Code)
            foreach (Match declaration in Declaration().Matches(code))
            {
                string name = declaration.Groups[1].Value, folder = FolderOf(path);
                declaredIn[name] = declaredIn.TryGetValue(name, out string? other) && other != folder ? null : folder;
            }

        var dependencies = new Dictionary<string, SortedSet<string>>();
        foreach (var (path, code) in Code)
        {
            string folder = FolderOf(path);
            var uses = dependencies.TryGetValue(folder, out var set) ? set : dependencies[folder] = [];
            foreach (Match identifier in Identifier().Matches(code))
                if (declaredIn.TryGetValue(identifier.Value, out string? owner) && owner is not null && owner != folder) uses.Add(owner);
        }
        return dependencies;
    }

    /// <summary>Pairs of folders that depend on each other, as "A ↔ B".</summary>
    public static List<string> Cycles(Dictionary<string, SortedSet<string>> dependencies)
        => [.. from a in dependencies from b in a.Value
               where string.CompareOrdinal(a.Key, b) < 0 && dependencies.TryGetValue(b, out var back) && back.Contains(a.Key)
               select $"{Show(a.Key)} ↔ {Show(b)}"];

    public static string Show(string folder) => folder == "" ? "(root)" : folder;

    private static bool IsBuildOutput(string path)
    {
        string relative = Path.GetRelativePath(Root, path);
        return relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string StripCommentsAndStrings(string code) => CommentOrString().Replace(code, " ");

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum|delegate\s+\w+)\s+([A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    // Line and block comments, verbatim and regular strings and chars (interpolation holes go with their string: what a
    // message mentions is not a dependency).
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)'", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();
}
