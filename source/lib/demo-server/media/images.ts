/**
 * Demo screenshots of video calls: real PNG and JPEG images. Each carries a text chunk (PNG tEXt, JPEG COM) naming
 * the recording and shot, so every screenshot's bytes are unique while the pixels come from a few cached images.
 */
import {crc32, deflateSync} from 'node:zlib';

const width = 160;
const height = 90;

/** A 160×90 test-card JPEG (made once with ffmpeg's testsrc), used as the pixels of every JPEG screenshot. */
const jpegBase = Buffer.from('/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgYGBwYHCEhISEhISckJygoKCcnJycoKCgrKyszMzMrKysoKCsrMDAzMzc5NzQ0MzQ5OTw8PEhIRUVUVFdnZ3z/xACwAAEBAAMBAQEBAAAAAAAAAAAABgUHCAQDAgEBAQADAQEBAQEAAAAAAAAAAAAFBgcIBAMBAhAAAQIDAwkDCQYHAQAAAAAAAAIBBBEDgcFC0ZFBMVETEgUhkjIicSMVUrFTsmHSobNzNYI0M4OEQ2Lh8HIRAAEDAQILBQUIAgIDAQAAAAADAgERBQQxgUKCQZHCEiHRQ5LSU1JRFBMiMmHB8eGxk6FxFWIj8AYzcrKi/8AAEQgAWgCgAwESAAISAAMSAP/aAAwDAQACEQMRAD8A5/AAAAABTQmOy8QmOy8ilsnGFsnGaBZnVzNoWZ1czaKYr4OjPzitTd3y7bPaRJZ7qlX450YP59S/mF2/aG5HsqczDnREqTEx8s1/1zpq7DOD4aYYky0NDbrxK6q+H/e1yiJNBD3fxO+b8vxJwpFrWtN8mUkpmEYn+JUmNM/4+VuOeODKzWoLSDusAAAEzF4LbhF4LbiWRysQRysRn9p9LP2RafSz9kmQSoM/AAAB2KDgAFqAAABMxeC24ReC24lkMrEEMrEZ/afSz9kWn0s/ZJkEsDPwAAARsPEPRfal9bXt8/aYcvqK0pT6tnDH2x9SLOrrTsxloM0NVbHwP2Xf4/u2eMaYm+G5GdlMztqdpsQ0HW4X3b6n7vyfZb7TU4mJiJjBPEqF1VpO5OCcH0n8fzOCFGOSe5joo5jpa6MNJiaTHDgdF29Z/vGe0pxG8yP9lImr28Ih3DSzTWPl08DcUJjsvEJjsvJ1bJxhbJxmWWZ1czaFmdXM2imBEg0AAAAHAAAAAAAKuBTxKdLaXS2eZRcmROpUVLus2d53TI5WN6WR6zTXQnEm1fE+WJ1zT7Kl0uKkIp3hR1ZhjYfNMNGw6Zpg4mV39fcurk4dSVXsrFMLGb0zxpwo7c+puBCWQlktqZpH2JtrYY2Gxgg+pl66z7wq9V81c90zOHh9IrMzSMERogjwAADWoLSDusAAAEzF4LbhF4LbiWRysQRysRn9p9LP2RafSz9kmQSoM/AAAB2KDgAFqAAABMxeC24ReC24lkMrEEMrEZ/afSz9kWn0s/ZJkEsDPwAAAa1BaQd1A/TPLq3Q/J+1ofh83Nh0S10RMTFJiYrExOGJj0PodAcuXvKbq2s2fqzkpyWq3FVpu/V2ZbNLQ3RTztSXZz/eMY71rrIFGZpMaMOv7jmBK7eyXm9I1rDHMpOH4ZiZbXhHGkxXhhNYtJjYex9Pic2WzPHA2axHpw3p1m3gSYKOAAADgAAAAAAG8eTIS0MpcvEqqpLv11JSh2bZ04nzno5P+zf8ap8FMlkcrEEcrEZ/afSz9kWn0s/ZLoEqDPwAAAa1BaQd1gAAAmYvBbcIvBbcSyOViCOViM/tPpZ+yLT6WfskyCVBn4AAAOxQcAAtQAAAJmLwW3CLwW3EshlYghlYjP7T6Wfsi0+ln7JMglgZ+AAADWoLSDuoGUjY2I5dELhoZe7pU+HgRwpVLiSyn8S2Up5qd36uR/NF1FxlVVSnulvwTRxMuXgTLxN0ebdS1gwAFA9epzCDiqkQreLh91unkyeHeLkvohks82Zu9OWgn4ddRoOMSmnxIVuONfEzbuS34fC/VXE/TpqAAOzwAAAAAcAAAAAAA3zyf9m/41T4KZP8lqP51E3l4VM2htDvLa/TMSyOViPkjPGY9Yrq+8z+0+ln7J7LSTmU2KcKNduT61fEzGL4JqbaBNAzMAAAGtQWkHdYAAAJmLwW3CLwW3EsjlYgjlYjP7T6Wfsi0+ln7JMglQZ+AAADsUHAALUAAACZi8Ftwi8FtxLIZWIIZWIz+0+ln7ItPpZ+yTIJYGfgAAA1qC0g7qB4+d/mNf8Al/dpKmhGV4ammnTXwoTOTcKXlN3d+rs763LWV/3j/X9oMANf9iu/k/8A07mS0J+Xcx/pvvHNoQ1J+a1JxUqqKSXk3cdlLdpP5vhm0kvOblgI9J0urX6GQFwvyCaPu9xtK71eMzgp6zJu8EgCngAAA47TBU1aV52yGYRVptjR2myleld0aI/fmeFzHeWdUmjus9KMp+uO6TrlkvEZ2o5n7TyyirFUzp+kokRFFv7tPtpyn5N7fGhuqeZFuTf5HapKg65pxpdrjkSrlU/O3tQZKEgKUOriSqp11zdpfYljMUoii+qrTf8AWnKfb29VrodEM4V0TSa+vxEE9NSMh2qSpLXZN6L0prMPls14bzZbOFs04TxmJ4YJJr/yV3fip5eP5FS1JLtp/wCsP6itSV0aoh32MpnvJ/8At7x5UtTu+U/3Krp4Jvn+GzP2GTOspCMpTW3ul6X/ANMbynwRM0q74Yr6VmnE8702bafdTttYucWsv5UtTu+VeLsv4KvYdyMwdZ6UZT9cd0nXrpeIztRzI94Sm2lWdshlFVKfrpzsX+LavPkR1O75UIul58Bb9N3IsjrVXjJS1O7xWH3Zfwlew7kTrw6G0q+zIe9S0esnOxd4ti8eVLU7vlTi63jwVew7kSDrbvMZCOp/fKe+6XnwFv038icqQdOrKbq6bHbIZV6tNOtaW8qmY0FO2LxGSlx+ju+VNO63jwVew7kem8WqveN3eanG7WlIdpp6un0Ky+7Ls+ZJRtcFWOj84MD6No+tUzp+koWiKPvafbTlNLbay85KWp3fKuy7L+Cr2Hcj1e2qejNU8yI90p5H9meRg/RlH1qmdP0lG0RR97T7acpf22itOSnqd3ivsQW8NTsu5Ep7cr6M1T3iG9yr5H9meRVb9Wxvtyni4FS7r5nKq2yLvOUrrb3C0svN38ZLtt5lm/tF/Knqd3it+zr+Ep2Hcj4Ki6idCcz5TFrpVHwK7LkPFiXactbWzuFwbe7t46P6jOZcm2itOSnqd3iAagt4anZdyMVXjKi5TZHSeh8piatKo2tC2/S5DJ2Jdm5a3H6s7hcGXu7T10f1GcyaVUm87u/SN2vy/WnrX0PhuynTfiW183D8zGqjaidCMz5TELpVHwL7L5CGixLtOWt2mdwuLb3dvHR/UZzP6bdmTpd+3IkGqM8zdcHpbmFV8KMz/UYNqNX3a+y+Qqv9FdfOt2mdwuk3y6+Oj+ozmfRtyTnS/XHImGLJ+dnajme1lO580s+wqk2Uh5ldbe6Wabyh4qXbbzNWbflZ0M1T3iGYir5H9meRkm6n3poUrUl3lsZ3KjNlo+ZTW3ulp98m75Xsn+HRP2lwbeXzob+/Mr7lGIU965qdcG/MNrTDTepWhVwkUuFZTIZD8Und1M8+nkdjwooVVaqa38iVZCsRcUmRSJd+1f8A5J5yjIym64JZVCLw/ec5/wAsRDYn4YpMzWImJ4zXjP0g/Uryg/5VknUw0e2fykq/S1f1aWZX1Ew8NX91V7CshVHXdsaXftyPc97fM3XB5/YEvM/XHdJz3yXiM7Ucyi9LxHq0syvrJZ4aI9zV7CshW3MiD6vmPUhv69LzP1t7pPe/S8RnabzNIAjQYwAAACmhMdl4hMdl5FLZOMLZOM0CzOrmbQszq5m0WFOoqkriTr9vyc8p4WPcm7eb9/0k85Z71dUr2lKSsVbOnS2dDmzomPwngTBt2nUTVTxJ1ez5ORUC/nFN/jexpzHtUbvN+76SVO5z8c/+v2wcMXq6q3RWUlYo6NOh0aHNnTE/hPE6D/7I2PZU3UisLRETTjESx1Yr6TSK/wAHkBroNQAAABMxeC24ReC24lkcrEEcrEZ/afSz9kWn0s/ZJkEqDPwAAAdig4ABagAAATMXgtuEXgtuJZDKxBDKxGf2n0s/ZFp9LP2SZBLAz8AAAGukpdbszNN3K2Ab+I//AJvLa1sumIiKzJZrll4vtO3lVWIMcoo6GtbFZmf+YfSI4zJh/wD2Z00uzazSZUmYrwmY3KTT1is0/ko6NFqKJacT7XybDJE6klCTaadM+s8vQ95lFoX59+Wl8zO5EzCbcG62vpWfinKmuH6UKmU0JjsvEJjsvIpbJxhbJxmgWZ1czaFmdXM2imBEg0AAAAH/2Q==', 'base64');

function pngChunk(type: string, data: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(data.length, 0);
	header.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(data, crc32(header.subarray(4))), 0);
	return Buffer.concat([header, data, crc]);
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngHeader = (() => {
	const data = Buffer.alloc(13);
	data.writeUInt32BE(width, 0);
	data.writeUInt32BE(height, 4);
	data[8] = 8; // Bit depth.
	data[9] = 2; // Truecolour RGB.
	return pngChunk('IHDR', data);
})();
const pngEnd = pngChunk('IEND', Buffer.alloc(0));
const pixelChunks = new Map<number, Buffer>();

/** The compressed pixels for one of 16 hues: a "video frame" with a face-sized block in the middle. */
function pngPixels(hue: number): Buffer {
	let chunk = pixelChunks.get(hue);
	if (!chunk) {
		const raw = Buffer.alloc((width * 3 + 1) * height);
		const [r, g, b] = [(hue * 53) % 256, (hue * 97 + 80) % 256, (hue * 29 + 160) % 256];
		for (let y = 0; y < height; y++) {
			const row = y * (width * 3 + 1);
			raw[row] = 0; // Filter: none.
			for (let x = 0; x < width; x++) {
				const inFace = x > 60 && x < 100 && y > 20 && y < 70;
				const offset = row + 1 + x * 3;
				raw[offset] = inFace ? 240 : r;
				raw[offset + 1] = inFace ? 200 : g;
				raw[offset + 2] = inFace ? 170 : b;
			}
		}

		chunk = pngChunk('IDAT', deflateSync(raw));
		pixelChunks.set(hue, chunk);
	}

	return chunk;
}

export function pngImage(label: string, hue: number): Buffer {
	const text = Buffer.from(`Comment\0${label}`, 'latin1');
	return Buffer.concat([pngSignature, pngHeader, pngChunk('tEXt', text), pngPixels(hue % 16), pngEnd]);
}

export function jpegImage(label: string): Buffer {
	const text = Buffer.from(label, 'latin1');
	const segment = Buffer.alloc(4);
	segment[0] = 0xff;
	segment[1] = 0xfe; // COM marker, placed right after SOI.
	segment.writeUInt16BE(text.length + 2, 2);
	return Buffer.concat([jpegBase.subarray(0, 2), segment, text, jpegBase.subarray(2)]);
}
