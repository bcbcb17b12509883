using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// BERT's masking (Devlin et al. 2019, section 3.1), drawn anew for every batch of every epoch as RoBERTa does
/// (Liu et al. 2019, section 4.1): each ordinary token is chosen with <c>probability</c> (15 %); a chosen token becomes
/// [MASK] (80 %), a random ordinary token (10 %) or stays (10 %), and only chosen positions are predicted. Special
/// tokens ([CLS], [SEP], [PAD], …) are never chosen nor drawn. A sequence where no token was chosen gets one, so that
/// every sequence teaches something. The draws depend only on the seed, the epoch and the batch's index.
/// </summary>
internal sealed class DynamicMasking
{
    private readonly bool[] _special;
    private readonly int _maskId, _seed;
    private readonly double _probability, _maskFraction, _randomFraction;

    public DynamicMasking(TextTokenizer tokenizer, double probability, double maskFraction, double randomFraction, int seed)
    {
        _special = new bool[tokenizer.VocabularySize];
        for (int id = 0; id < _special.Length; id++) _special[id] = tokenizer.IsSpecialToken(id);
        if (Array.TrueForAll(_special, special => special))
            throw new ArgumentException($"The vocabulary has {_special.Length} tokens, all special: masked-language-model pretraining needs ordinary tokens to predict.");
        (_maskId, _probability, _maskFraction, _randomFraction, _seed) = (tokenizer.MaskId, probability, maskFraction, randomFraction, seed);
    }

    /// <summary>The generator of batch <paramref name="batch"/> of <paramref name="epoch"/>: the same masks every time.</summary>
    public Random RandomFor(int epoch, long batch) => new(unchecked(_seed * 1_000_003 + epoch * 7_919 + (int)batch * 31 + 5));

    /// <summary>Writes the masked <paramref name="inputs"/> of <paramref name="sequence"/> and its <paramref name="labels"/>
    /// (the original token where chosen, <see cref="VocabularyLoss.Ignored"/> elsewhere); returns the positions chosen.</summary>
    public int Apply(ReadOnlySpan<long> sequence, Span<long> inputs, Span<long> labels, Random random)
    {
        int chosen = 0, ordinary = 0;
        for (int i = 0; i < sequence.Length; i++)
        {
            inputs[i] = sequence[i];
            labels[i] = VocabularyLoss.Ignored;
            if (_special[sequence[i]]) continue;
            ordinary++;
            if (random.NextDouble() >= _probability) continue;
            Choose(i, sequence, inputs, labels, random);
            chosen++;
        }
        if (chosen > 0 || ordinary == 0) return chosen;
        int pick = random.Next(ordinary);   // the pick-th ordinary token
        for (int i = 0; i < sequence.Length; i++)
            if (!_special[sequence[i]] && pick-- == 0) Choose(i, sequence, inputs, labels, random);
        return 1;
    }

    private void Choose(int i, ReadOnlySpan<long> sequence, Span<long> inputs, Span<long> labels, Random random)
    {
        labels[i] = sequence[i];
        double replacement = random.NextDouble();
        if (replacement < _maskFraction) inputs[i] = _maskId;
        else if (replacement < _maskFraction + _randomFraction) inputs[i] = RandomOrdinaryToken(random);
    }

    private int RandomOrdinaryToken(Random random)
    {
        int id;
        do id = random.Next(_special.Length); while (_special[id]);
        return id;
    }
}
