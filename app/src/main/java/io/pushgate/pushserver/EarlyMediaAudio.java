package io.pushgate.pushserver;

import io.pushgate.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * The early-media loop, encoded once in both G.711 laws by the JDK's own codecs. Its length is a
 * whole number of 20 ms frames so that every packet carries 160 samples.
 */
public final class EarlyMediaAudio {
    static final int RATE = 8000;
    static final int FRAME = 160;
    private static final AudioFormat PCM = new AudioFormat(RATE, 16, 1, true, false);

    private final byte[] ulaw;
    private final byte[] alaw;

    private EarlyMediaAudio(byte[] pcm) {
        this.ulaw = encode(pcm, AudioFormat.Encoding.ULAW);
        this.alaw = encode(pcm, AudioFormat.Encoding.ALAW);
    }

    /** The configured announcement, or the ringback tone; a file that cannot be used stops start-up naming the key. */
    public static EarlyMediaAudio load(Path announcement) {
        if (announcement == null) return new EarlyMediaAudio(ringback());
        try (AudioInputStream in = AudioSystem.getAudioInputStream(announcement.toFile())) {
            AudioFormat f = in.getFormat();
            if (f.getSampleRate() != RATE || f.getChannels() != 1) {
                throw new ConfigException(PushServerSettings.ANNOUNCEMENT.qualifiedName(),
                        announcement + " is " + f + "; it must be 8000 Hz mono");
            }
            AudioInputStream pcm = f.matches(PCM) ? in : AudioSystem.getAudioInputStream(PCM, in);
            byte[] data = pcm.readAllBytes();
            if (data.length < FRAME * 2) throw new ConfigException(PushServerSettings.ANNOUNCEMENT.qualifiedName(), announcement + " is shorter than 20 ms");
            return new EarlyMediaAudio(java.util.Arrays.copyOf(data, data.length / (FRAME * 2) * FRAME * 2));
        } catch (UnsupportedAudioFileException | IOException | IllegalArgumentException e) {
            throw new ConfigException(PushServerSettings.ANNOUNCEMENT.qualifiedName(), "cannot read " + announcement + ": " + e.getMessage());
        }
    }

    /** 425 Hz, one second on, four off: the ringback tone of most of Europe (ITU-T E.180). */
    static byte[] ringback() {
        int samples = 5 * RATE;
        ByteBuffer b = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            double v = i < RATE ? Math.sin(2 * Math.PI * 425 * i / RATE) * 8000 : 0;
            b.putShort((short) Math.round(v));
        }
        return b.array();
    }

    private static byte[] encode(byte[] pcm, AudioFormat.Encoding law) {
        try (AudioInputStream src = new AudioInputStream(new ByteArrayInputStream(pcm), PCM, pcm.length / 2);
             AudioInputStream enc = AudioSystem.getAudioInputStream(law, src)) {
            return enc.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("G.711 encoding", e);
        }
    }

    /** The encoded loop for a law; frame {@code n} starts at {@code (n * 160) % length}. */
    byte[] samples(SdpAudio.Law law) {
        return law == SdpAudio.Law.ULAW ? ulaw : alaw;
    }
}
