using Microsoft.ML;
using Microsoft.ML.Transformer;

namespace Samples;

/// <summary>The encoders samples start from: a Hugging Face checkpoint folder (imported), or a zip an encoder was saved
/// to by the pretrain sample (<c>PretrainEncoder</c>'s fitted transformer).</summary>
internal static class EncoderFiles
{
    /// <param name="flag">The command-line flag that named <paramref name="path"/>, for the errors.</param>
    public static ITransformerEncoderSource Load(MLContext ml, string path, string flag)
    {
        if (Directory.Exists(path)) return ml.Model.LoadPretrainedEncoder(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"--{flag}: no checkpoint folder or encoder zip at {path}", path);
        return ml.Model.Load(path, out _) as PretrainedEncoderTransformer
            ?? throw new ArgumentException($"--{flag}: {path} is an ML.NET zip, but not of an encoder saved by PretrainEncoder.");
    }

    /// <summary>d_model, layers, positions and vocabulary of an encoder <see cref="Load"/> returned.</summary>
    public static (int ModelDimension, int Layers, int MaxLength, int Vocabulary) Shape(ITransformerEncoderSource encoder) => encoder switch
    {
        PretrainedEncoder imported => (imported.ModelDimension, imported.Layers, imported.MaxLength, imported.VocabularySize),
        PretrainedEncoderTransformer pretrained => (pretrained.ModelDimension, pretrained.Layers, pretrained.MaxLength, pretrained.VocabularySize),
        _ => throw new ArgumentException($"Not an encoder the samples load: {encoder.GetType().Name}"),
    };
}
