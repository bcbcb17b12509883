using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// The text of a pretraining run as token streams, checked before any training: the training stream (documents
/// separated by [SEP]) and the validation stream — the ValidationSet's text, or the tail of the training text kept back
/// (<see cref="EncoderPretrainingOptions.ValidationFraction"/>).
/// </summary>
internal sealed record PretrainingCorpus(TokenStream Text, int[] Train, int[]? Validation)
{
    /// <summary>The most sequences the kept-back tail holds.</summary>
    public const int MaximumValidationSequences = 1_000;

    public static PretrainingCorpus Read(IHost host, IDataView input, string textColumnName, TextTokenizer tokenizer, int sequenceLength,
        EncoderPretrainingOptions options, IChannel channel)
    {
        TokenStream text = TokenStream.Read(host, input, textColumnName, tokenizer, "training data", options.CancellationToken, tokenizer.SeparatorId);
        long tokens = text.Ids.Length - text.Rows;   // the separators aside
        if (tokens == 0)
            throw host.Except($"The text column '{textColumnName}' has no tokens to pretrain on: {text.Rows} rows, all empty or whitespace.");
        if (text.Ids.Length < sequenceLength)
            throw host.Except($"The text column '{textColumnName}' has {tokens} tokens in {text.Rows} rows ({text.Ids.Length} with the [SEP] " +
                $"between documents): fewer than one sequence of SequenceLength ({sequenceLength}) tokens. Give more text or lower SequenceLength.");
        if (options.ValidationSet is { } validationSet)
        {
            int[] validation = TokenStream.Read(host, validationSet, textColumnName, tokenizer, "ValidationSet", options.CancellationToken, tokenizer.SeparatorId).Ids;
            if (validation.Length < sequenceLength)
                throw host.Except($"The ValidationSet has {validation.Length} tokens: fewer than one sequence of SequenceLength ({sequenceLength}).");
            return new(text, text.Ids, validation);
        }
        int perSequence = sequenceLength - 1;
        int kept = (int)Math.Min((long)(text.Ids.Length * options.ValidationFraction), (long)MaximumValidationSequences * perSequence + 1);
        if (kept < sequenceLength || text.Ids.Length - kept < 2 * perSequence + 1)
        {
            if (options.ValidationFraction > 0)
                channel.Warning($"No validation slice: {options.ValidationFraction:P0} of {text.Ids.Length} tokens does not leave a sequence for " +
                    "validation and two for training. Masked-token accuracy is reported on the training batches only.");
            return new(text, text.Ids, null);
        }
        channel.Info($"Validation: the last {kept} tokens of the text ({options.ValidationFraction:P0}, at most {MaximumValidationSequences} sequences) " +
            "are kept back to report masked-token loss and accuracy after every epoch.");
        return new(text, text.Ids[..^kept], text.Ids[^kept..]);
    }
}
