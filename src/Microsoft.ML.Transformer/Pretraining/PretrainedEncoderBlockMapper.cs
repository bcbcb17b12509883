using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>A <see cref="PretrainedEncoderTransformer"/> bound to an input schema: tokenizes a block of texts as fine-tuning
/// does ([CLS] first, truncated to max_len) and writes each one's mean-pooled last hidden state, in one model call.</summary>
internal sealed class PretrainedEncoderBlockMapper : IBlockMapper
{
    private readonly PretrainedEncoderTransformer _parent;
    private readonly DataViewSchema.Column _text;

    public PretrainedEncoderBlockMapper(PretrainedEncoderTransformer parent, IHost host, DataViewSchema inputSchema)
    {
        (_parent, InputSchema) = (parent, inputSchema);
        _text = TextColumn.Find(host, inputSchema, parent.TextColumnName);
        OutputColumns = [new DataViewSchema.DetachedColumn(parent.FeaturesColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.ModelDimension))];
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema.DetachedColumn[] OutputColumns { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(Func<int, bool> activeOutput) => activeOutput(0) ? [_text] : [];

    public IBlockComputation CreateComputation(DataViewRow input, int capacity) => new Computation(this, input, capacity);

    private sealed class Computation : IBlockComputation
    {
        private readonly PretrainedEncoderTransformer _parent;
        private readonly ValueGetter<ReadOnlyMemory<char>> _getText;
        private readonly TokenSequenceEncoder _encoder;
        private readonly long[] _ids;
        private readonly int[] _lengths;
        private readonly float[] _outputs;
        private readonly int _maxLength, _width;
        private ReadOnlyMemory<char> _buffer;

        public Computation(PretrainedEncoderBlockMapper mapper, DataViewRow input, int capacity)
        {
            _parent = mapper._parent;
            _getText = input.GetGetter<ReadOnlyMemory<char>>(mapper._text);
            _encoder = new TokenSequenceEncoder(_parent.Tokenizer.Tokenizer, _parent.TokenizerOptions with { PadToMaxLength = false });
            (_maxLength, _width) = (_parent.MaxLength, _parent.ModelDimension);
            _ids = new long[capacity * _maxLength];
            _lengths = new int[capacity];
            _outputs = new float[capacity * _width];
        }

        public void Load(int slot)
        {
            _getText(ref _buffer);
            int length = Math.Min(_encoder.Encode(_buffer.Span), _maxLength);
            Span<long> row = _ids.AsSpan(slot * _maxLength, _maxLength);
            row.Clear();   // [PAD] is 0
            ReadOnlySpan<int> sequence = _encoder.Sequence[..length];
            for (int i = 0; i < length; i++) row[i] = sequence[i];
            _lengths[slot] = length;
        }

        public void Compute(int count)
        {
            using var scope = NewDisposeScope();
            using var inference = no_grad();
            int longest = 1;
            for (int i = 0; i < count; i++) longest = Math.Max(longest, _lengths[i]);
            using Tensor all = tensor(_ids, [_lengths.Length, _maxLength]);
            Tensor ids = all.narrow(0, 0, count).narrow(1, 0, longest).to(_parent.Model.Device());
            var (hidden, _) = _parent.Model.Forward(ids);
            Tensor pooled = Pooling.Mean(hidden, ids.ne(KeptScalars.Of(_parent.Model.Config.PaddingId))).cpu().contiguous();
            MemoryMarshal.Cast<byte, float>(pooled.bytes).CopyTo(_outputs);
        }

        public Delegate MakeGetter(int output, Func<int> slot)
            => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> destination) =>
            {
                var editor = VBufferEditor.Create(ref destination, _width);
                _outputs.AsSpan(slot() * _width, _width).CopyTo(editor.Values);
                destination = editor.Commit();
            });

        public void Dispose() { }
    }
}
