using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>What a <see cref="TokenizerTransformer"/> saves: columns, options and the learned vocabulary.
/// BPE merges go into tensor <see cref="MergesTensor"/> ([merges, 2] int32 symbol pairs).</summary>
internal sealed record TokenizerConfig
{
    public const string MergesTensor = "bpe.merges";

    public required string InputColumnName { get; init; }

    public required string OutputColumnName { get; init; }

    public required TokenizerOptions Options { get; init; }

    public required int VocabularySize { get; init; }

    /// <summary>Ordinary tokens in id order (word and character kinds); every token in id order (WordPiece).</summary>
    public string[]? Vocabulary { get; init; }

    public static (TokenizerConfig, List<TensorData>) From(TokenizerTransformer transformer)
    {
        var tensors = new List<TensorData>();
        string[]? vocabulary = null;
        switch (transformer.Tokenizer)
        {
            case ByteLevelBpeTokenizer bpe:
                int[] pairs = bpe.Merges.SelectMany(m => new[] { m.Left, m.Right }).ToArray();
                tensors.Add(TensorData.FromInt32(MergesTensor, pairs, bpe.Merges.Count, 2));
                break;
            case WordTokenizer word:
                vocabulary = [.. word.Tokens];
                break;
            case CharacterTokenizer character:
                vocabulary = [.. character.Tokens];
                break;
            case BertWordPieceTokenizer wordPiece:
                vocabulary = [.. wordPiece.Tokens];
                break;
        }
        var config = new TokenizerConfig
        {
            InputColumnName = transformer.InputColumnName,
            OutputColumnName = transformer.OutputColumnName,
            Options = transformer.Options with { VocabularyPath = null },   // self-contained: no path to the original folder
            VocabularySize = transformer.Tokenizer.VocabularySize,
            Vocabulary = vocabulary,
        };
        return (config, tensors);
    }

    public TextTokenizer CreateTokenizer(TensorSet tensors, string where)
    {
        ModelFormatException.ThrowIfInvalid(where, "saved tokenizer options", () => Options.Validate());
        bool lower = Options.LowerCase, html = Options.StripHtmlTags;
        TextTokenizer tokenizer;
        try
        {
            tokenizer = Options.Kind switch
            {
                TokenizerKind.BytePairEncoding => new ByteLevelBpeTokenizer(ReadMerges(tensors), lower, html),
                TokenizerKind.Word => new WordTokenizer(RequireVocabulary(where), lower, html),
                TokenizerKind.Character => new CharacterTokenizer(RequireVocabulary(where), lower, html),
                TokenizerKind.WordPiece => new BertWordPieceTokenizer(RequireVocabulary(where), lower, html, where),
                _ => new PretrainedTokenizer(Options.Kind, lower, html),
            };
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(e.Message, e);
        }
        catch (ModelFormatException e) when (!e.Message.StartsWith(where, StringComparison.Ordinal))
        {
            throw new ModelFormatException($"{where}: {e.Message}", e);
        }
        tensors.EnsureAllTaken();
        if (tokenizer.VocabularySize != VocabularySize)
            throw new ModelFormatException($"{where}: the saved vocabulary has {tokenizer.VocabularySize} tokens but the config says {VocabularySize}.");
        return tokenizer;
    }

    private string[] RequireVocabulary(string where)
        => Vocabulary ?? throw new ModelFormatException($"{where}: the {Options.Kind} tokenizer's vocabulary is missing from the config.");

    private static List<(int, int)> ReadMerges(TensorSet tensors)
    {
        int[] pairs = tensors.Take(MergesTensor, TensorDType.I32, -1, 2).ToInt32Array();
        var merges = new List<(int, int)>(pairs.Length / 2);
        for (int i = 0; i < pairs.Length; i += 2) merges.Add((pairs[i], pairs[i + 1]));
        return merges;
    }
}
