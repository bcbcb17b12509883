using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>
/// What the classifier's options need from the tokenizer that feeds it, checked before training: a max_len that holds
/// the tokenizer's longest sequence (a longer row would stop training, or scoring, when it is reached) and the [CLS] token
/// that ClassToken pooling reads. Checked at creation by TransformerOnText (it holds the tokenizer options) and at Fit
/// from the token column's annotations; a column that does not record them is not checked.
/// </summary>
internal static class ClassifierTokenizerCheck
{
    /// <param name="tokenizer">How the messages name the tokenizer: "the tokenizer", "the tokenizer that wrote column 'Tokens'".</param>
    public static void Check(IExceptionContext host, TransformerClassifierOptions options, int? tokenizerMaxLength, bool? startsWithClassToken,
        string tokenizer)
    {
        TokenIdColumn.CheckMaxLength(host, options.MaxLength, tokenizerMaxLength, tokenizer);
        if (options.Pooling is ClassifierPooling.ClassToken or ClassifierPooling.Pooler && startsWithClassToken == false)
            throw host.ExceptUserArg(nameof(options.Pooling), $"Pooling {options.Pooling} pools the [CLS] token at position 0, but {tokenizer} does " +
                "not add it: set the tokenizer's AddClassificationToken = true, or use another Pooling (Mean).");
    }
}
