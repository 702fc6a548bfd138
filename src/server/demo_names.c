/* demo_names: the word lists behind gen-demo's synthetic residents.
 * Names, streets and birth places common in Kota Tangerang, grouped by the
 * naming traditions that live side by side there (Javanese, Sundanese,
 * Betawi, Chinese-Indonesian, Batak, and families from eastern Indonesia).
 * Every person produced from these is made up. */
#include "config.h"
#include "server.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Javanese: first names (many people have only one), second names */
static const char *const jawa_male[] = {
	"Agus", "Bambang", "Budi", "Joko", "Slamet", "Sutrisno", "Suparman", "Sugeng",
	"Wahyu", "Eko", "Dwi", "Tri", "Heru", "Hadi", "Teguh", "Rahmat", "Supriyadi",
	"Sugiyanto", "Sumarno", "Wagiman", "Tukiman", "Paiman", "Sarno", "Margono",
	"Sukirno", "Ma'ruf", "Ma'mun", "Syafi'i", "Ja'far", "Ahmad", "Arif", "Rizki",
	"Dimas", "Bayu", "Adi", "Fajar", "Galih", "Aji", "Panji", "Danang", "Gilang",
	"Yoga",
};
static const char *const jawa_male2[] = {
	"Setiawan", "Prasetyo", "Nugroho", "Santoso", "Wibowo", "Kurniawan", "Susilo",
	"Darmawan", "Yulianto", "Widodo", "Haryanto", "Purnomo", "Saputra", "Pratama",
	"Hidayat", "Wijayanto", "Hartono", "Cahyono", "Mulyono", "Riyadi",
};
static const char *const jawa_female[] = {
	"Sri", "Siti", "Endang", "Sumarni", "Suwarni", "Tri", "Dwi", "Sulastri",
	"Ngatini", "Tumini", "Sukinah", "Partini", "Rukmini", "Ni'matul", "Mar'atus",
	"Fitri", "Dewi", "Ayu", "Indah", "Ratna", "Nur", "Anisa", "Putri", "Dian",
	"Yuni", "Retno", "Kartika", "Galuh", "Sekar", "Khoiriyah",
};
static const char *const jawa_female2[] = {
	"Wahyuni", "Lestari", "Rahayu", "Suryani", "Wulandari", "Puspitasari",
	"Handayani", "Kusumawati", "Setyowati", "Astuti", "Purwanti", "Sa'adah",
	"Rahmawati", "Ningsih", "Utami", "Pertiwi",
};

/* ---- Sundanese */
static const char *const sunda_male[] = {
	"Asep", "Cecep", "Dadang", "Ujang", "Ade", "Dede", "Encep", "Oman", "Entis",
	"Iwan", "Yayan", "Deden", "Aang", "Jajang", "Engkos", "Ading", "Endang",
	"Nandang", "Wawan", "Agus", "Usep", "Dudi", "Atep", "Eman", "Ridwan",
};
static const char *const sunda_male2[] = {
	"Saepudin", "Sopyan", "Ruhiyat", "Hidayat", "Kusnadi", "Rohendi", "Suherman",
	"Mulyana", "Permana", "Gunawan", "Firmansyah", "Sunandar", "Supriatna",
	"Kurnia", "Sukmana", "Setiadi",
};
static const char *const sunda_female[] = {
	"Euis", "Neneng", "Cucu", "Imas", "Iis", "Eneng", "Yeni", "Lilis", "Enok",
	"Nining", "Cicih", "Yati", "Ai", "Popon", "Entin", "Teti", "Titin", "Nunung",
	"Rina", "Nia", "Siti",
};
static const char *const sunda_female2[] = {
	"Nurhayati", "Rohimah", "Komalasari", "Sumiati", "Kurniasih", "Nurjanah",
	"Mulyani", "Hasanah", "Rosita", "Maryam", "Rostiana", "Sukaesih", "Juariah",
};

/* ---- Betawi (and the wider Muslim naming common in the city) */
static const char *const betawi_male[] = {
	"Muhammad", "Ahmad", "Abdul", "Rohim", "Mansyur", "Ridwan", "Sarip", "Romli",
	"Jaelani", "Sanusi", "Marzuki", "Zainal", "Syamsudin", "Nasrudin", "Bahrudin",
	"Hasan", "Husein", "Fauzi", "Rizal", "Irfan", "Faisal", "Hendra", "Andi",
	"Rudi", "Dedi", "Edi", "Muhidin", "Sukri", "Ali", "Umar", "Usman", "Ilham",
	"Reza", "Rafi", "Fikri", "Naufal", "Mu'min", "Rif'at", "Qomar", "Syarifudin",
	"Kamaludin",
};
static const char *const betawi_male2[] = {
	"Abdullah", "Rahman", "Hidayat", "Ramadhan", "Maulana", "Hakim", "Firdaus",
	"Aziz", "Syahputra", "Pratama", "Saputra", "Kurniawan", "Nugraha", "Sholeh",
	"Ma'arif", "Hidayatullah", "Fadhilah",
};
static const char *const betawi_female[] = {
	"Siti", "Nur", "Aminah", "Fatimah", "Aisyah", "Khadijah", "Maemunah",
	"Rohayah", "Juleha", "Zubaedah", "Masitoh", "Saodah", "Hindun", "Komariah",
	"Nurlela", "Mariam", "Salma", "Zahra", "Nabila", "Aulia", "Nadia", "Syifa",
	"Hamidah", "Sa'diyah", "Halimah", "Rosidah",
};
static const char *const betawi_female2[] = {
	"Azzahra", "Rahmah", "Amalia", "Safitri", "Oktaviani", "Lestari",
	"Permatasari", "Anggraini", "Fitriani", "Rahmawati", "Nurhaliza",
	"Khairunnisa", "Ramadhani",
};

/* ---- Chinese-Indonesian: Indonesian given names, family-ish surnames */
static const char *const tionghoa_male[] = {
	"Hendra", "Budi", "Susanto", "Hartono", "Johan", "Kevin", "Steven", "Wilson",
	"Andreas", "Yohanes", "Ferry", "Rudy", "Tommy", "Edwin", "Felix", "Jonathan",
	"Michael", "Vincent", "Willy", "Hengky", "Liong", "Ahong", "Acong",
};
static const char *const tionghoa_female[] = {
	"Linda", "Susi", "Lili", "Melinda", "Yuliana", "Meiliana", "Jessica", "Cindy",
	"Monica", "Natalia", "Veronika", "Lisa", "Sherly", "Stefani", "Merry",
	"Lanny", "Fenny", "Ing", "Aling", "Amoy",
};
static const char *const tionghoa_family[] = {
	"Wijaya", "Gunawan", "Halim", "Tanoto", "Salim", "Santoso", "Kusuma",
	"Tanujaya", "Hartanto", "Setiadi", "Sutanto", "Lim", "Tan", "Oey", "Liem",
	"Gozali", "Widjaja", "Tjandra", "Hendrawan", "Sugianto",
};

/* ---- Batak: given name + marga */
static const char *const batak_male[] = {
	"Robert", "Togar", "Martua", "Parlindungan", "Horas", "Bonar", "Sahat",
	"Tigor", "Jhonny", "Daniel", "Samuel", "Yosua", "Rinaldo", "Benny", "Hotman",
	"Marihot", "Poltak", "Binsar", "Jonri", "Ferdinand",
};
static const char *const batak_female[] = {
	"Maria", "Rosmawati", "Lamria", "Tiurma", "Rotua", "Nurmaida", "Sondang",
	"Hotnida", "Dame", "Friska", "Ester", "Ruth", "Yohana", "Debora", "Lasma",
	"Tetty", "Rosdiana", "Marlina",
};
static const char *const batak_family[] = {
	"Simanjuntak", "Sitorus", "Nainggolan", "Siregar", "Hutagalung", "Pardede",
	"Simatupang", "Manurung", "Sinaga", "Tambunan", "Situmorang", "Panjaitan",
	"Lubis", "Nasution", "Harahap", "Sihombing", "Hutapea", "Gultom",
};

/* ---- eastern Indonesia (Flores, Kupang, Manado, Timor): some non-ASCII */
static const char *const timur_male[] = {
	"Yohanes", "Fransiskus", "Petrus", "Agustinus", "Yosef", "Stefanus",
	"Marthen", "Kornelis", "Frederik", "José", "Mário", "Gregorius", "Aloysius",
};
static const char *const timur_female[] = {
	"Maria", "Yuliana", "Agnes", "Theresia", "Margaretha", "Helena", "Kristina",
	"Antónia", "Fátima", "Natalia", "Veronika", "Elisabeth",
};
static const char *const timur_family[] = {
	"da Costa", "Soares", "Pereira", "Ximenes", "Fernandes", "Lewar", "Tallo",
	"Ndun", "Manafe", "Lumempouw", "Wenas", "Rumondor", "Sumampouw", "Bere",
};

/* Where people of each tradition were often born, and the kecamatan (NIK
 * prefix) of a home region some of them were first registered in.  Every
 * code is in Kemendagri's list (assets/wilayah/kecamatan_all.csv); 910101
 * is Merauke's code from before the 2022 Papua split, kept by older NIKs. */
static const char *const jawa_towns[] = { "Brebes", "Tegal", "Kebumen", "Surakarta",
	"Cilacap", "Pemalang", "Wonogiri", "Klaten", "Purworejo" };
static const struct demo_region jawa_home[] = { { "332903", "Brebes" },
	{ "332801", "Tegal" }, { "330501", "Kebumen" }, { "337201", "Surakarta" } };
static const char *const sunda_towns[] = { "Garut", "Tasikmalaya", "Bandung",
	"Kuningan", "Serang", "Lebak", "Pandeglang", "Bogor", "Sumedang" };
static const struct demo_region sunda_home[] = { { "320501", "Garut" },
	{ "320601", "Tasikmalaya" }, { "327302", "Bandung" }, { "320801", "Kuningan" },
	{ "367301", "Serang" } };
static const char *const betawi_towns[] = { "Jakarta", "Tangerang", "Bekasi" };
static const struct demo_region betawi_home[] = { { "317101", "Jakarta" },
	{ "317201", "Jakarta" }, { "317501", "Jakarta" } };
static const char *const tionghoa_towns[] = { "Tangerang", "Jakarta", "Pontianak",
	"Medan", "Pangkalpinang", "Singkawang" };
static const struct demo_region tionghoa_home[] = { { "317303", "Jakarta" },
	{ "617101", "Pontianak" }, { "127101", "Medan" } };
static const char *const batak_towns[] = { "Medan", "Tarutung", "Balige",
	"Pematangsiantar", "Sibolga" };
static const struct demo_region batak_home[] = { { "127102", "Medan" },
	{ "120201", "Tarutung" }, { "121201", "Balige" } };
static const char *const timur_towns[] = { "Kupang", "Ende", "Maumere", "Manado",
	"Atambua", "Merauke" };
static const struct demo_region timur_home[] = { { "537101", "Kupang" },
	{ "537102", "Kupang" }, { "910101", "Merauke" }, { "187101", "Bandar Lampung" } };

#define LIST(a) a, N(a)
static const struct demo_group groups[] = {
	/* weight %, first names, second names (or surnames the children
	 * inherit), birth towns, home regions */
	{ "jawa", 35, LIST(jawa_male), LIST(jawa_female), LIST(jawa_male2),
		LIST(jawa_female2), NULL, 0, LIST(jawa_towns), LIST(jawa_home) },
	{ "sunda", 25, LIST(sunda_male), LIST(sunda_female), LIST(sunda_male2),
		LIST(sunda_female2), NULL, 0, LIST(sunda_towns), LIST(sunda_home) },
	{ "betawi", 21, LIST(betawi_male), LIST(betawi_female), LIST(betawi_male2),
		LIST(betawi_female2), NULL, 0, LIST(betawi_towns), LIST(betawi_home) },
	{ "tionghoa", 8, LIST(tionghoa_male), LIST(tionghoa_female), NULL, 0, NULL, 0,
		LIST(tionghoa_family), LIST(tionghoa_towns), LIST(tionghoa_home) },
	{ "batak", 7, LIST(batak_male), LIST(batak_female), NULL, 0, NULL, 0,
		LIST(batak_family), LIST(batak_towns), LIST(batak_home) },
	{ "timur", 4, LIST(timur_male), LIST(timur_female), NULL, 0, NULL, 0,
		LIST(timur_family), LIST(timur_towns), LIST(timur_home) },
};

const struct demo_group *demo_groups(size_t *count)
{
	*count = N(groups);
	return groups;
}

static const char *const streets[] = {
	"Kenanga", "Mawar", "Melati", "Anggrek", "Flamboyan", "Cempaka", "Dahlia",
	"Beringin", "Masjid", "Musholla", "Swadaya", "Gotong Royong", "Pembangunan",
	"Merdeka", "Perintis Kemerdekaan", "KH. Hasyim Ashari", "Imam Bonjol",
	"Daan Mogot", "M.H. Thamrin", "Sudirman", "Gatot Subroto", "Raya Serang",
	"Otista", "Kisamaun", "Ki Asnawi", "Ki Samaun", "Moh. Toha", "Aria Santika",
	"Prabu Siliwangi", "Iskandar Muda", "Teuku Umar", "Cut Nyak Dien", "Pala",
	"Nangka", "Rambutan", "Duku", "Jambu", "Manggis", "Salak", "Delima",
	"Cendana", "Jati", "Mahoni", "Bambu Kuning", "Haji Ipin", "Haji Mean",
	"Langgar", "Pos", "Kampung Baru", "Kali Pasir", "Sukamulya", "Lestari",
};

static const char *const estates[] = {
	"Perum Poris Indah", "Perum Banjar Wijaya", "Perum Griya Asri",
	"Perum Taman Cibodas", "Perum Total Persada", "Perum Pondok Arum",
	"Perum Nuansa Asri", "Perum Puri Kartika", "Perum Villa Tangerang Indah",
	"Perum Graha Sienna", "Perum Pinang Griya",
};

const char *const *demo_streets(size_t *count)
{
	*count = N(streets);
	return streets;
}

const char *const *demo_estates(size_t *count)
{
	*count = N(estates);
	return estates;
}
