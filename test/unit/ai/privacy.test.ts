import { describe, expect, it } from "vitest";
import { maskPersonalData } from "../../../src/ai/privacy.ts";

describe("maskPersonalData", () => {
  it("masks e-mail addresses and phone numbers in local and international forms", () => {
    expect(maskPersonalData("mail me at an.nguyen+shop@gmail.com")).toBe("mail me at [email]");
    expect(maskPersonalData("call 0912 345 678 or +84 912345678")).toBe("call [phone] or [phone]");
    expect(maskPersonalData("โทร 081-234-5678 นะคะ")).toBe("โทร [phone] นะคะ");
    expect(maskPersonalData("WA saya 081234567890")).toBe("WA saya [phone]");
  });

  it("masks street addresses in English, Vietnamese, Indonesian and Thai", () => {
    expect(maskPersonalData("send it to 221B Baker Street please")).not.toContain("Baker");
    expect(maskPersonalData("giao tới số 12 đường Lê Lợi, quận 1")).not.toContain("Lê Lợi");
    expect(maskPersonalData("alamat saya Jl. Sudirman No. 5 Jakarta")).not.toContain("Sudirman");
    expect(maskPersonalData("ส่งที่ ถนนสุขุมวิท ซอย 11")).not.toContain("สุขุมวิท");
  });

  it("leaves the order numbers it is told to keep, and ordinary text, alone", () => {
    expect(maskPersonalData("where is order 0576700112233445566?", ["0576700112233445566"])).toBe("where is order 0576700112233445566?");
    expect(maskPersonalData("Do you have size M in blue? I need 2.")).toBe("Do you have size M in blue? I need 2.");
  });
});
