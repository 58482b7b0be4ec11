/**
 * Slot fills for the corpus templates (`<language>.txt`), per language. Written for this
 * project; the numbers (prices, fees, phones, order ids) are drawn from the seeded generator.
 */
export type SlotLanguage = "en" | "vi" | "th" | "id";

export interface Slots {
  item: readonly string[];
  color: readonly string[];
  size: readonly string[];
  city: readonly string[];
  courier: readonly string[];
  when: readonly string[];
  weekday: readonly string[];
  address: readonly string[];
  /** How an order number is named: `{n}` is the number. */
  orderWords: readonly string[];
  /** How a price or fee is written: `{n}` is the amount. */
  money: readonly string[];
  amounts: readonly number[];
  phones: readonly string[];
  /** Added before or after a message for variety; never changes its label. */
  openers: readonly string[];
  closers: readonly string[];
  /** Only after negative messages. */
  angryClosers: readonly string[];
}

export const SLOTS: Record<SlotLanguage, Slots> = {
  en: {
    item: [
      "dress",
      "hoodie",
      "phone case",
      "blender",
      "sneakers",
      "lipstick",
      "water bottle",
      "backpack",
      "earbuds",
      "jeans",
      "mug",
      "lamp",
      "charger",
      "skincare set",
      "jacket",
      "watch strap",
      "kettle",
      "sandals",
    ],
    color: ["black", "white", "navy", "beige", "pink", "red", "olive", "grey", "cream", "brown", "blue", "green"],
    size: ["S", "M", "L", "XL", "XXL", "38", "40", "42", "7", "9"],
    city: ["Manila", "Cebu", "Davao", "Kuala Lumpur", "Singapore", "Penang", "Quezon City", "Johor Bahru"],
    courier: ["J&T", "Ninja Van", "Flash Express", "LBC", "DHL", "Lalamove", "Grab Express", "Pos Laju"],
    when: ["yesterday", "last week", "on monday", "3 days ago", "during the live", "two weeks ago", "last night"],
    weekday: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    address: ["22 Rizal Ave, Makati", "Unit 5B, 88 Jalan Ampang", "14 Orchard Rd #03-02", "Block 7 Lot 12, Pasig"],
    orderWords: ["order {n}", "order #{n}", "order no. {n}", "order number {n}", "my order {n}", "#{n}"],
    money: ["\u0024{n}", "{n} pesos", "RM{n}", "P{n}", "{n}php"],
    amounts: [9, 12, 15, 19, 25, 29, 35, 45, 59, 99, 120, 199, 250, 499, 799, 1299],
    phones: ["0917 555 2231", "+63 918 123 4567", "012-345 6789", "09175551234", "+60 12 987 6543"],
    openers: ["", "", "", "hi ", "hello, ", "hey ", "excuse me, ", "good day! ", "Hi seller, "],
    closers: ["", "", "", " pls", " please", " thanks", "?", " 🙏", " asap", "..."],
    angryClosers: ["", "!!", "!!!", " 😡", " 😤", " smh", " unbelievable", " ugh"],
  },
  vi: {
    item: [
      "váy",
      "áo khoác",
      "ốp lưng",
      "máy xay",
      "giày",
      "son",
      "bình nước",
      "balo",
      "tai nghe",
      "quần jean",
      "cốc",
      "đèn ngủ",
      "sạc",
      "bộ skincare",
      "áo thun",
      "dây đồng hồ",
      "ấm siêu tốc",
      "dép",
    ],
    color: ["đen", "trắng", "xanh navy", "be", "hồng", "đỏ", "xanh rêu", "xám", "kem", "nâu", "xanh dương"],
    size: ["S", "M", "L", "XL", "XXL", "36", "38", "40", "42"],
    city: ["Hà Nội", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Nha Trang", "Biên Hòa", "Huế", "Vũng Tàu", "quận 7", "Thủ Đức"],
    courier: ["GHN", "GHTK", "J&T", "Viettel Post", "Ninja Van", "SPX", "Ahamove", "Best Express"],
    when: ["hôm qua", "tuần trước", "hôm thứ 2", "3 hôm trước", "lúc live", "2 tuần trước", "tối qua"],
    weekday: ["thứ 2", "thứ 3", "thứ 4", "thứ 5", "thứ 6", "thứ 7", "chủ nhật"],
    address: ["25 Nguyễn Trãi, quận 1", "số 8 ngõ 12 Láng Hạ, Đống Đa", "120 Lê Duẩn, Hải Châu", "khu phố 3, phường Linh Trung"],
    orderWords: ["đơn {n}", "mã đơn {n}", "đơn hàng {n}", "đơn số {n}", "mã đơn hàng {n}", "đơn #{n}"],
    money: ["{n}k", "{n}.000đ", "{n}k", "{n} nghìn", "{n}.000"],
    amounts: [15, 20, 25, 30, 35, 45, 59, 79, 99, 129, 149, 199, 250, 299, 399, 599],
    phones: ["0903 456 789", "0912345678", "0987 654 321", "+84 938 111 222", "0868.123.456"],
    openers: ["", "", "", "shop ơi ", "shop ơi, ", "ad ơi ", "chị ơi ", "dạ ", "alo shop "],
    closers: ["", "", "", " ạ", " nha", " nhé shop", "?", " 🙏", " với ạ", "..."],
    angryClosers: ["", "!!", "!!!", " 😡", " 😤", " bực ghê", " chán thật", " haiz"],
  },
  th: {
    item: [
      "เดรส",
      "เสื้อฮู้ด",
      "เคสมือถือ",
      "เครื่องปั่น",
      "รองเท้าผ้าใบ",
      "ลิปสติก",
      "ขวดน้ำ",
      "กระเป๋าเป้",
      "หูฟัง",
      "กางเกงยีนส์",
      "แก้ว",
      "โคมไฟ",
      "ที่ชาร์จ",
      "เซ็ตสกินแคร์",
      "แจ็คเก็ต",
      "สายนาฬิกา",
      "กาต้มน้ำ",
      "รองเท้าแตะ",
    ],
    color: ["ดำ", "ขาว", "กรม", "เบจ", "ชมพู", "แดง", "เขียว", "เทา", "ครีม", "น้ำตาล", "ฟ้า"],
    size: ["S", "M", "L", "XL", "2XL", "38", "40", "42"],
    city: ["เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "หาดใหญ่", "โคราช", "อุดร", "พัทยา", "บางนา", "นนทบุรี"],
    courier: ["Kerry", "Flash", "J&T", "ไปรษณีย์ไทย", "EMS", "Lalamove", "Best Express", "SPX"],
    when: ["เมื่อวาน", "อาทิตย์ที่แล้ว", "วันจันทร์", "3 วันก่อน", "ตอนไลฟ์", "สองอาทิตย์ก่อน", "เมื่อคืน"],
    weekday: ["จันทร์", "อังคาร", "พุธ", "พฤหัส", "ศุกร์", "เสาร์", "อาทิตย์"],
    address: ["99/5 ซอยสุขุมวิท 21", "12 หมู่ 4 ต.สุเทพ อ.เมือง", "88/12 ลาดพร้าว 15", "คอนโดลุมพินี ตึก B ชั้น 7"],
    orderWords: ["ออเดอร์ {n}", "คำสั่งซื้อ {n}", "เลขออเดอร์ {n}", "หมายเลขคำสั่งซื้อ {n}", "ออเดอร์ที่ {n}", "order {n}"],
    money: ["{n} บาท", "{n}฿", "{n}.-", "{n}บ."],
    amounts: [19, 29, 39, 45, 50, 60, 79, 99, 129, 159, 199, 250, 299, 390, 590, 990],
    phones: ["081 234 5678", "0891234567", "062-345-6789", "+66 92 111 2233"],
    openers: ["", "", "", "สวัสดีค่ะ ", "แอดมินคะ ", "พี่คะ ", "ขอถามหน่อย ", "รบกวนค่ะ "],
    closers: ["", "", "", "ค่ะ", "ครับ", "คะ", "นะคะ", " 🙏", "?", "จ้า"],
    angryClosers: ["", "!!", "!!!", " 😡", " 😤", " เซ็ง", " เบื่อ", " หงุดหงิด"],
  },
  id: {
    item: [
      "dress",
      "hoodie",
      "case hp",
      "blender",
      "sepatu",
      "lipstik",
      "botol minum",
      "tas ransel",
      "earphone",
      "celana jeans",
      "mug",
      "lampu tidur",
      "charger",
      "paket skincare",
      "jaket",
      "strap jam",
      "teko listrik",
      "sandal",
    ],
    color: ["hitam", "putih", "navy", "krem", "pink", "merah", "hijau army", "abu2", "coklat", "biru"],
    size: ["S", "M", "L", "XL", "XXL", "38", "40", "42"],
    city: ["Jakarta", "Surabaya", "Bandung", "Medan", "Makassar", "Bekasi", "Depok", "Jogja", "Bali", "Semarang"],
    courier: ["JNE", "J&T", "SiCepat", "AnterAja", "Ninja", "Gosend", "GrabExpress", "Pos Indonesia", "SPX"],
    when: ["kemarin", "minggu lalu", "hari senin", "3 hari lalu", "pas live", "2 minggu lalu", "semalem"],
    weekday: ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"],
    address: ["Jl. Kenanga No. 12, Depok", "Perum Griya Asri Blok C3, Bekasi", "Jl. Sudirman 45 RT 02/RW 05", "Kost Melati kamar 8, Jogja"],
    orderWords: ["pesanan {n}", "no pesanan {n}", "order {n}", "nomor pesanan {n}", "no order {n}", "pesananku {n}"],
    money: ["{n}rb", "Rp{n}.000", "{n}k", "{n} ribu", "Rp {n}.000"],
    amounts: [10, 15, 18, 20, 25, 35, 49, 59, 79, 99, 125, 150, 199, 250, 350],
    phones: ["0812 3456 7890", "081298765432", "+62 813 1111 2222", "0857-1234-5678"],
    openers: ["", "", "", "kak ", "min ", "halo kak, ", "permisi kak ", "gan ", "sis "],
    closers: ["", "", "", " kak", " ya", " dong", " min", "?", " 🙏", " ya kak"],
    angryClosers: ["", "!!", "!!!", " 😡", " 😤", " kesel", " parah", " huft"],
  },
};
