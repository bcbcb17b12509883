using System.Diagnostics;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer;

/// <summary>One decoding setting tried on validation data: its score (higher is better) and how long decoding took.</summary>
/// <param name="Decoding">The setting.</param>
/// <param name="Score">What the caller's score function gave for its predictions.</param>
/// <param name="Duration">The time to decode the validation rows with it.</param>
public sealed record DecodingTrial(DecodingOptions Decoding, double Score, TimeSpan Duration);

/// <summary>The result of <see cref="DecodingChoiceExtensions.ChooseDecoding"/>: the best setting and every trial, in the
/// order tried.</summary>
/// <param name="Best">The first setting with the highest score.</param>
/// <param name="Trials">Every setting with its score and decoding time.</param>
public sealed record DecodingChoice(DecodingOptions Best, IReadOnlyList<DecodingTrial> Trials);

/// <summary>
/// Chooses beam size, length penalty and length limits on held-out data, as fairseq and the GNMT paper tune them on a
/// development set: the settings change what a trained model outputs, not its weights, so they are chosen after training,
/// never on the test set.
/// </summary>
public static class DecodingChoiceExtensions
{
    /// <summary>Decodes <paramref name="validation"/> with each of <paramref name="candidates"/> and returns the one whose
    /// predictions <paramref name="score"/> rates highest (ties: the first), with every trial. The model itself is not
    /// changed: apply the choice with <see cref="SequenceToSequenceTransformer.WithDecoding"/>.</summary>
    /// <param name="model">A trained sequence-to-sequence model.</param>
    /// <param name="validation">Rows with the model's source token column (e.g. the validation set through the source tokenizer).</param>
    /// <param name="candidates">The settings to try (at least one).</param>
    /// <param name="score">Rates the predicted texts, in row order, higher is better: e.g. the BLEU of them against the
    /// rows' references (<see cref="Bleu.Compute(IReadOnlyList{string}, IReadOnlyList{string}, int, bool)"/>), or minus a word error rate.</param>
    /// <exception cref="ArgumentException">No candidates, an invalid candidate (named), or a validation set without rows.</exception>
    public static DecodingChoice ChooseDecoding(this SequenceToSequenceTransformer model, IDataView validation,
        IEnumerable<DecodingOptions> candidates, Func<IReadOnlyList<string>, double> score)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(score);
        DecodingOptions[] settings = [.. candidates];
        if (settings.Length == 0) throw new ArgumentException("There are no decoding settings to choose from.", nameof(candidates));
        for (int i = 0; i < settings.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(settings[i], $"{nameof(candidates)}[{i}]");
            try { settings[i].Validate(); }
            catch (ArgumentException e) { throw new ArgumentException($"Decoding candidate {i} is invalid: {e.Message}", nameof(candidates), e); }
        }

        var trials = new List<DecodingTrial>(settings.Length);
        foreach (DecodingOptions decoding in settings)
        {
            SequenceToSequenceTransformer decoder = model.WithDecoding(decoding);   // shares the weights: not disposed here
            var clock = Stopwatch.StartNew();
            string[] predictions = [.. decoder.Transform(validation).GetColumn<string>(model.OutputColumnName)];
            clock.Stop();
            if (predictions.Length == 0) throw new ArgumentException("The validation data has no rows.", nameof(validation));
            trials.Add(new DecodingTrial(decoding, score(predictions), clock.Elapsed));
        }
        return new DecodingChoice(trials.MaxBy(t => t.Score)!.Decoding, trials);
    }
}
