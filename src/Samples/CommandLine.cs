using System.Globalization;

namespace Samples;

/// <summary>Minimal "--name value" parsing; repeated options keep every value.</summary>
internal static class CommandLine
{
    public static ILookup<string, string> Parse(IEnumerable<string> args)
    {
        var pairs = new List<(string, string)>();
        string? name = null;
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null) pairs.Add((name, "true"));
                name = arg[2..];
            }
            else if (name is not null)
            {
                pairs.Add((name, arg));
                name = null;
            }
            else throw new ArgumentException($"unexpected argument '{arg}'");
        }
        if (name is not null) pairs.Add((name, "true"));
        return pairs.ToLookup(p => p.Item1, p => p.Item2);
    }

    public static string? Value(this ILookup<string, string> options, string name) => options[name].LastOrDefault();

    public static int? Int(this ILookup<string, string> options, string name)
        => options.Value(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    public static double? Double(this ILookup<string, string> options, string name)
        => options.Value(name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>A comma-separated list, e.g. <c>--curve 15,30,60</c>; null when the flag is absent.</summary>
    public static T[]? List<T>(this ILookup<string, string> options, string name) where T : IParsable<T>
        => options.Value(name) is { } list ? [.. list.Split(',').Select(item => T.Parse(item, CultureInfo.InvariantCulture))] : null;

    /// <summary><c>--truncate right|left|middle</c>: which part of a too-long text the tokenizer cuts off.</summary>
    public static Microsoft.ML.Transformer.TruncationSide? Truncation(this ILookup<string, string> options)
        => options.Value("truncate") is { } side ? Enum.Parse<Microsoft.ML.Transformer.TruncationSide>(side, ignoreCase: true) : null;

    /// <summary>True when the flag was given without a value (or with "true").</summary>
    public static bool Flag(this ILookup<string, string> options, string name) => options.Value(name) is "true";

    /// <summary>The MixedPrecision option from --fp32 (false) or --bf16 (true); neither: null, the trainers' choice by hardware.</summary>
    public static bool? MixedPrecision(this ILookup<string, string> options)
        => options.Flag("fp32") ? false : options.Flag("bf16") ? true : null;

    /// <summary>How a sample names the precision its training runs in.</summary>
    public static string PrecisionName(Microsoft.ML.Transformer.TransformerTrainingOptions options)
        => options.UsesMixedPrecision ? "bf16 mixed precision" : "float32";

    public static int Usage(string problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        Console.Error.WriteLine("usage: Samples imdb [--data <imdb folder>] [--out <model.zip>] [--device cpu|cuda|cuda:N] [--epochs N] [--dim d] [--layers N]");
        Console.Error.WriteLine("                    [--heads h] [--max-length N] [--truncate right|left|middle] [--vocab N] [--batch N] [--lr x] [--dropout p]");
        Console.Error.WriteLine("                    [--weight-decay x] [--label-smoothing e] [--fp32|--bf16] [--threads N] [--no-baseline] [--rows N]");
        Console.Error.WriteLine("       Samples classify --data <folder with train.tsv.gz, test.tsv.gz> [--encoder <checkpoint folder>] [--epochs N] [--rows N]");
        Console.Error.WriteLine("                    [--max-length N] [--batch N] [--lr x] [--out <model.zip>] [--device cpu|cuda] [--threads N] [--no-baseline]");
        Console.Error.WriteLine("       Samples attention --model <model.zip> --text <text> [--out <folder>] [--panel <px>]");
        Console.Error.WriteLine("       Samples tokenize [--data <imdb folder>] [--out <model.zip>]");
        Console.Error.WriteLine("       Samples features [--data <imdb folder>] [--rows N] [--dim d_model] [--out <model.zip>]");
        Console.Error.WriteLine("       Samples g2p --data <cmudict folder> [--stressless] [seq2seq flags]");
        Console.Error.WriteLine("       Samples translate --data <multi30k folder> [--vocab N] [--separate-vocabularies] [--lowercase] [seq2seq flags]");
        Console.Error.WriteLine("         seq2seq flags: [--epochs N] [--dim d] [--heads h] [--layers N] [--ff d_ff] [--batch N] [--batch-tokens N] [--lr x]");
        Console.Error.WriteLine("                        [--schedule cosine|noam] [--warmup steps] [--dropout p] [--label-smoothing e] [--weight-decay x] [--fp32|--bf16] [--threads N]");
        Console.Error.WriteLine("                        [--embedding-init xavier|normal] [--average N] [--device cpu|cuda|cuda:N] [--seed N] [--beam k] [--length-penalty a]");
        Console.Error.WriteLine("                        [--choose-decoding [--beams 4,8] [--length-penalties 0.6,1.0,1.4]] [--model <saved.zip>] [--checkpoints <dir>] [--rows N] [--out <model.zip>]");
        Console.Error.WriteLine("       Samples generate [--data <tinyshakespeare folder>] [--out <model.zip>] [--epochs N] [--dim d] [--heads h] [--layers N]");
        Console.Error.WriteLine("                    [--context N] [--batch N] [--lr x] [--dropout p] [--weight-decay x] [--prompt text] [--tokens N] [--fp32|--bf16] [--threads N]");
        Console.Error.WriteLine("       Samples pretrain --data <imdb folder> [--minutes N | --curve 15,30,60 | --encoders a.zip,b.zip] [--from-scratch] [--rows N]");
        Console.Error.WriteLine("                    [--out <encoder.zip>] [--dim d] [--heads h] [--layers N]");
        Console.Error.WriteLine("                    [--sequence-length N] [--vocab N] [--pretrain-batch N] [--lr x] [--warmup steps] [--pretrain-epochs N]");
        Console.Error.WriteLine("                    [--epochs N] [--finetune-lr x] [--batch N] [--checkpoints <dir>] [--no-finetune] [--no-baseline]");
        Console.Error.WriteLine("                    [--device cpu|cuda|cuda:N] [--fp32|--bf16] [--threads N]");
        Console.Error.WriteLine("       Samples onnx [--data <imdb folder>] [--model <model.zip>] [--rows N] [--epochs N] [--out <folder>] [--onnx-threads N]");
        Console.Error.WriteLine("                    [--batch-rows N] [--profile <prefix>] [imdb recipe flags: --dim, --layers, --max-length, --vocab, …]");
        Console.Error.WriteLine("       Samples onnx-score --model <file.onnx> --ids \"id id …;id …\"");
        Console.Error.WriteLine("       Samples score-cluster (--model <model.zip> --input <shard folder> | --data <folder with train.tsv.gz, test.tsv.gz>)");
        Console.Error.WriteLine("                    [--output <folder>] [--silos N] [--kill-one] [--localhost] [--threads-per-silo N] [--silo-host <dll>]");
        Console.Error.WriteLine("                    [--rows N] [--shards N] [--train-rows N] [--epochs N] [--max-length N] [--work <folder>] [--silo-log]");
        Console.Error.WriteLine("       Samples score-shards --model <model.zip> --input <shard folder> --output <folder>");
        Console.Error.WriteLine("       Samples inspect --model <model.zip> [--text <text>]...");
        return 2;
    }
}
