namespace Microsoft.ML.Transformer;

/// <summary>
/// Options of <c>mlContext.BinaryClassification.Trainers.Transformer</c> and
/// <c>mlContext.MulticlassClassification.Trainers.Transformer</c>: an encoder-only Transformer (embedding · √d_model
/// + positions → N encoder layers → pooling → linear head) trained on a token-id column. The shape defaults
/// (<see cref="TransformerShape"/>: d_model 128, 4 heads, 2 layers, ReLU, dropout 0.1, sinusoidal positions, post-LN) are
/// a small model that trains on a laptop CPU; the paper's base model is d_model 512, 8 heads, 6 layers.
/// Training settings are inherited from <see cref="TransformerTrainingOptions"/>.
/// </summary>
public sealed class TransformerClassifierOptions : TransformerTrainingOptions
{
    /// <summary>The token-id column (from <c>TokenizeForTransformer</c>). Default "Tokens".</summary>
    public string TokensColumnName { get; set; } = "Tokens";

    /// <summary>The label: Boolean (binary) or a key (multiclass, from <c>MapValueToKey</c>). Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>max_len, positions covered. Default null: the token column's fixed length, else the MaxLength of the
    /// tokenizer that wrote it (recorded on the column), else 512. A longer row is an error.</summary>
    public int? MaxLength { get; set; }

    /// <summary>How token vectors become one vector per row. Default <see cref="ClassifierPooling.Mean"/> (also the choice
    /// for sentence-transformers checkpoints such as all-MiniLM-L6-v2, trained on mean-pooled embeddings);
    /// <see cref="ClassifierPooling.ClassToken"/> and <see cref="ClassifierPooling.Pooler"/> (BERT's own fine-tuning
    /// head) need the tokenizer's AddClassificationToken.</summary>
    public ClassifierPooling Pooling { get; set; } = ClassifierPooling.Mean;

    /// <summary>Token ids the model accepts. Default null: from the token column (key count or tokenizer annotation).</summary>
    public int? VocabularySize { get; set; }

    /// <summary>Fine-tune a pretrained encoder instead of training from random weights: an imported checkpoint
    /// (<c>mlContext.Model.LoadPretrainedEncoder</c>) or the embedding and encoder of a trained model of this library (a
    /// classifier, or a sequence-to-sequence model's encoder). The model takes the encoder's shape (<see cref="TransformerTrainingOptions.Shape"/>
    /// is not used) and reads the token ids of the encoder's vocabulary: tokenize with its tokenizer
    /// (<see cref="PretrainedEncoder.TokenizerOptions"/>); a column of another vocabulary is refused. Unset
    /// <see cref="TransformerTrainingOptions.LearningRate"/> and <see cref="TransformerTrainingOptions.Epochs"/> take
    /// fine-tuning defaults (5e-5; 3 epochs, more for under 250 steps). Default null.</summary>
    public ITransformerEncoderSource? InitialEncoder { get; set; }

    /// <summary>A copy with its own <see cref="TransformerTrainingOptions.Shape"/> (callbacks, validation set and initial
    /// encoder are shared).</summary>
    public TransformerClassifierOptions Copy() => CopyOf<TransformerClassifierOptions>();
}
