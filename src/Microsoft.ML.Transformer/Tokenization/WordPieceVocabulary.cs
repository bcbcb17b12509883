using System.Text.Json;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>Reads a Hugging Face WordPiece vocabulary: <c>vocab.txt</c> (one token per line, id = line number) and the
/// <c>do_lower_case</c> of the <c>tokenizer_config.json</c> beside it.</summary>
internal static class WordPieceVocabulary
{
    public const string VocabularyFileName = "vocab.txt";
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>Builds the tokenizer from <paramref name="path"/> (vocab.txt or its folder); <paramref name="lowerCase"/>
    /// applies when tokenizer_config.json does not say.</summary>
    public static BertWordPieceTokenizer Load(string? path, bool lowerCase, bool stripHtmlTags)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("TokenizerKind.WordPiece needs TokenizerOptions.VocabularyPath: a vocab.txt or the folder holding it.", nameof(path));
        string file = Directory.Exists(path) ? Path.Combine(path, VocabularyFileName) : path;
        string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"The WordPiece vocabulary folder '{folder}' does not exist.");
        if (!File.Exists(file))
            throw new FileNotFoundException($"The WordPiece vocabulary '{file}' does not exist.", file);
        string[] tokens = File.ReadAllLines(file);
        bool lower = ReadDoLowerCase(Path.Combine(folder, ConfigFileName)) ?? lowerCase;
        return new BertWordPieceTokenizer(tokens, lower, stripHtmlTags, file);
    }

    private static bool? ReadDoLowerCase(string configFile)
    {
        if (!File.Exists(configFile)) return null;
        try
        {
            using JsonDocument config = JsonDocument.Parse(File.ReadAllText(configFile));
            if (config.RootElement.ValueKind != JsonValueKind.Object
                || !config.RootElement.TryGetProperty("do_lower_case", out JsonElement value)) return null;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new InvalidDataException($"{configFile}: do_lower_case is {value.ValueKind}, not true or false."),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configFile} is not valid JSON: {e.Message}", e);
        }
    }
}
