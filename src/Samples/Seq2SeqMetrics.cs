using Microsoft.ML.Transformer;

namespace Samples;

/// <summary>The samples' one place for metric calls (the library's Evaluation API).</summary>
internal static class Seq2SeqMetrics
{
    /// <summary>G2P metrics in the cmusphinx g2p-seq2seq convention: WER = share of words whose prediction is none of
    /// their pronunciations; PER = phoneme edits to the closest pronunciation / that pronunciation's phonemes.</summary>
    public static (double Wer, double Per) Pronunciations(IReadOnlyList<string> predicted, IReadOnlyList<IReadOnlyList<string>> references)
    {
        SequenceMetrics metrics = SequenceEvaluator.Evaluate(predicted, references);
        return (metrics.SequenceErrorRate, metrics.TokenErrorRate);
    }

    /// <summary>Corpus BLEU as sacreBLEU computes it by default (13a tokenization, mixed case) on detokenized text, or with
    /// its <c>-lc</c> (<paramref name="lowercase"/>), the form of the Multi30k results published on lowercased data.</summary>
    public static BleuScore Bleu(IReadOnlyList<string> predicted, IReadOnlyList<string> references, bool lowercase = false)
        => Microsoft.ML.Transformer.Bleu.Compute(predicted, references, lowercase: lowercase);
}
