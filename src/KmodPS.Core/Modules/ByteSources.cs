using Microsoft.Win32.SafeHandles;

namespace KmodPS.Core.Modules;

/// <summary>A file read with positional reads (no stream position, no full read).</summary>
internal sealed class FileByteSource : IByteSource, IDisposable
{
    private readonly SafeFileHandle _handle;

    /// <summary>Opens a regular file only (<see cref="RegularFile"/>).</summary>
    public FileByteSource(string path)
        : this(RegularFile.OpenRead(path))
    {
    }

    /// <summary>Takes ownership of an open handle.</summary>
    public FileByteSource(SafeFileHandle handle)
    {
        _handle = handle;
        Length = RandomAccess.GetLength(_handle);
    }

    public long Length { get; }

    public void ReadExactly(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset + buffer.Length > Length)
        {
            throw new InvalidDataException("truncated file");
        }
        var done = 0;
        while (done < buffer.Length)
        {
            var read = RandomAccess.Read(_handle, buffer[done..], offset + done);
            if (read == 0)
            {
                throw new InvalidDataException("truncated file");
            }
            done += read;
        }
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>Bytes already in memory (a decompressed module).</summary>
internal sealed class MemoryByteSource(byte[] data) : IByteSource
{
    public long Length => data.Length;

    public void ReadExactly(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset + buffer.Length > data.Length)
        {
            throw new InvalidDataException("truncated data");
        }
        data.AsSpan((int)offset, buffer.Length).CopyTo(buffer);
    }
}
