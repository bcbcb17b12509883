// MLTransformer samples. Usage:
//   dotnet run --project src/Samples -c Release -- imdb [--data <folder with train.tsv.gz, test.tsv.gz>] [--out <model.zip>] [--device cuda] [--epochs N] ...
//   dotnet run --project src/Samples -c Release -- classify --data <folder with train.tsv.gz, test.tsv.gz (label, text)> [--encoder <checkpoint folder>] [--epochs N] ...
//   dotnet run --project src/Samples -c Release -- tokenize [--data <imdb folder>] [--out <model.zip>]
//   dotnet run --project src/Samples -c Release -- features [--data <imdb folder>] [--rows N] [--dim d_model] [--out <model.zip>]
//   dotnet run --project src/Samples -c Release -- g2p --data <cmudict folder> [--epochs N] [--dim d] [--beam k] [--average N] [--choose-decoding] [--stressless] [--model <saved.zip>] ...
//   dotnet run --project src/Samples -c Release -- translate --data <multi30k folder> [--epochs N] [--dim d] [--beam k] [--average N] [--choose-decoding] [--lowercase] [--model <saved.zip>] ...
//   dotnet run --project src/Samples -c Release -- generate [--data <folder with input.txt>] [--epochs N] [--dim d] [--context N] ...
//   dotnet run --project src/Samples -c Release -- pretrain --data <imdb folder> [--objective mlm|electra] [--minutes N | --curve 15,30,60] [--from <checkpoint folder | encoder.zip>] [--encoders <zip or folder,…>] [--rows N] [--out <encoder.zip>] [--epochs N] [--no-finetune] ...
//   dotnet run --project src/Samples -c Release -- onnx [--data <imdb folder>] [--model <model.zip>] [--rows N] [--epochs N] [--out <folder>] [--onnx-threads N] [--batch-rows N] [--profile <prefix>]
//   dotnet run --project src/Samples -c Release -- onnx-score --model <file.onnx> --ids "id id …;id …"
//   dotnet run --project src/Samples -c Release -- score-cluster (--model <model.zip> --input <shard folder> | --data <folder with train.tsv.gz, test.tsv.gz>) [--output <folder>] [--silos N] [--kill-one] [--localhost] [--repeat N]
//   dotnet run --project src/Samples -c Release -- score-shards --model <model.zip> --input <shard folder> --output <folder>   (one process: score-cluster's baseline)
//   dotnet run --project src/Samples -c Release -- inspect --model <model.zip> [--text "some text"]...
using Samples;

string command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "imdb";
var options = CommandLine.Parse(args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)));

try
{
    return command switch
    {
        "attention" => AttentionSample.Run(options),
        "imdb" => ImdbSentimentSample.Run(options),
        "classify" => ClassifySample.Run(options),
        "tokenize" => ImdbTokenizerSample.Run(options),
        "features" => EmbeddingFeaturesSample.Run(options),
        "g2p" => G2pSample.Run(options),
        "translate" => TranslateSample.Run(options),
        "inspect" => InspectModelSample.Run(options),
        "generate" => GenerateSample.Run(options),
        "pretrain" => PretrainSample.Run(options),
        "onnx" => OnnxSample.Run(options),
        "onnx-score" => OnnxScoreSample.Run(options),
        "score-cluster" => ScoreClusterSample.Run(options),
        "score-shards" => ScoreClusterSample.RunSingleProcess(options),
        _ => CommandLine.Usage($"unknown command '{command}'"),
    };
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
