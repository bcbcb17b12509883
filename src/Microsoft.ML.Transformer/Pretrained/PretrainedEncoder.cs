using Microsoft.ML.Transformer.Embedding;
using Microsoft.ML.Transformer.Pretrained;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer;

/// <summary>
/// A pretrained encoder imported from a Hugging Face checkpoint folder (BERT architecture), ready to lend its weights
/// to ML.NET components: as <see cref="EmbeddingOptions.Source"/> for sentence embeddings, with
/// <see cref="TokenizerOptions"/> for the tokenizer it was trained with. Create it with
/// <c>mlContext.Model.LoadPretrainedEncoder(folder)</c>. It holds the weights in managed memory only; whatever uses it
/// copies them into its own model, so a saved ML.NET zip needs neither this object nor the folder.
/// </summary>
public sealed class PretrainedEncoder : ITransformerEncoderSource, IEncoderTokenizerSource
{
    private readonly EncoderSnapshot _snapshot;

    private PretrainedEncoder(string folder, EncoderSnapshot snapshot)
    {
        (Folder, _snapshot) = (folder, snapshot);
        // WordPiece over the checkpoint's own vocabulary (tokenizer_config.json beside it sets lower-casing), at the
        // model's max_len so that no row has more tokens than positions.
        TokenizerOptions = new TokenizerOptions { Kind = TokenizerKind.WordPiece, VocabularyPath = folder, MaxLength = snapshot.Config.MaxLength };
    }

    /// <summary>The checkpoint folder it was read from (read once, here; never again).</summary>
    public string Folder { get; }

    /// <summary>The tokenizer the checkpoint expects: WordPiece over its <c>vocab.txt</c>, <c>[CLS] … [SEP]</c>,
    /// truncated to <see cref="MaxLength"/>. Pass it to <c>TokenizeForTransformer</c>.</summary>
    public TokenizerOptions TokenizerOptions { get; }

    /// <summary>d_model, the width of each hidden vector (and of a pooled sentence embedding).</summary>
    public int ModelDimension => _snapshot.Config.ModelDimension;

    /// <summary>Positions covered (max_position_embeddings).</summary>
    public int MaxLength => _snapshot.Config.MaxLength;

    /// <summary>Encoder layers.</summary>
    public int Layers => _snapshot.Config.EncoderLayers;

    /// <summary>Rows of the token embedding (vocab_size).</summary>
    public int VocabularySize => _snapshot.Config.SourceVocabularySize;

    /// <summary>Reads and checks the checkpoint; errors name the file and tensor at fault.</summary>
    internal static PretrainedEncoder Load(string folder)
    {
        folder = Path.GetFullPath(folder);
        var (config, model) = CheckpointImporter.Load(folder, out IReadOnlyList<TensorData>? pooler);
        using (model)
        {
            // checked after the import, whose errors (a missing folder or config.json) say more than this one would
            string vocabulary = Path.Combine(folder, CheckpointImporter.VocabularyFile);
            if (!File.Exists(vocabulary))
                throw new FileNotFoundException($"The checkpoint folder '{folder}' has no {CheckpointImporter.VocabularyFile}: " +
                    "the WordPiece vocabulary is needed to tokenize text for this encoder.", vocabulary);
            // the fingerprint of the ids the encoder was trained on: a column tokenized with another vocabulary is refused
            string fingerprint = WordPieceVocabulary.Load(vocabulary, lowerCase: true, stripHtmlTags: false).VocabularyFingerprint;
            return new PretrainedEncoder(folder, new EncoderSnapshot(config, ModuleState.Export(model), fingerprint, pooler));
        }
    }

    EncoderSnapshot ITransformerEncoderSource.ExportEncoder() => _snapshot;

    /// <summary>None: WordPiece is rebuilt from <see cref="TokenizerOptions"/> (its vocab.txt) without reading rows.</summary>
    TextTokenizer? IEncoderTokenizerSource.FittedTokenizer => null;
}
