/*
 * genref: the fixed synthetic universe of edi-gen(1) (see genref.h).
 *
 * Sources of the real codes kept here (codes only):
 * - CPT/HCPCS: every code below exists in the CMS National Physician Fee
 *   Schedule Relative Value File, October 2025 release (PPRRVU2025_Oct.csv);
 *   the unit charges are about 2.2 times the non-facility total RVU times
 *   the 2025 conversion factor 32.3465, rounded (manual prices for status
 *   X/E codes: labs, ambulance, drugs).  No descriptions (AMA copyright).
 * - ICD-10-CM: billable (leaf) codes valid in FY2025 and FY2026.
 * - Taxonomy: NUCC Health Care Provider Taxonomy codes.
 * - ZIP5: present in the CMS ZIP code to carrier locality file ZIP5_OCT2025
 *   (states as written there, except Missouri which the file splits into
 *   EM/WM), so rvu-price finds a pricing locality for every address.
 * Everything else (names, streets, facilities, payers, NPIs, tax ids) is
 * made up; NPIs pass the CMS check-digit test but are not in NPPES on
 * purpose of being synthetic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "claimkit/genrand.h"
#include "claimkit/genref.h"
#include "claimkit/xalloc.h"

#define E  GENREF_P_EM
#define PV GENREF_P_PREV
#define AU GENREF_P_AUTH
#define SG GENREF_P_SURG
#define IM GENREF_P_IMG
#define SD GENREF_P_SIDE
#define DR GENREF_P_DRUG
#define AM GENREF_P_AMB
#define MI GENREF_P_MILES
#define TH GENREF_P_THER
#define LB GENREF_P_LAB
#define AD GENREF_P_ADDON
#define MS GENREF_P_MSK
#define BI GENREF_P_BILAT

const struct genref_proc genref_procs[] = {
	/* Office / outpatient E/M, preventive, inpatient. */
	{ "99202", 15400, E, 1, 1 }, { "99203", 24000, E, 1, 1 },
	{ "99204", 35900, E, 1, 1 }, { "99205", 47500, E, 1, 1 },
	{ "99211", 5000, E, 1, 1 }, { "99212", 12100, E, 1, 1 },
	{ "99213", 19600, E, 1, 1 }, { "99214", 27500, E, 1, 1 },
	{ "99215", 38600, E, 1, 1 },
	{ "99221", 17500, E, 1, 1 }, { "99222", 27600, E, 1, 1 },
	{ "99223", 36800, E, 1, 1 }, { "99231", 10400, E, 1, 1 },
	{ "99232", 16800, E, 1, 1 }, { "99233", 25000, E, 1, 1 },
	{ "99238", 17200, E, 1, 1 },
	{ "99381", 23300, E | PV, 1, 1 }, { "99382", 24500, E | PV, 1, 1 },
	{ "99385", 27800, E | PV, 1, 1 }, { "99386", 32000, E | PV, 1, 1 },
	{ "99391", 20900, E | PV, 1, 1 }, { "99392", 22300, E | PV, 1, 1 },
	{ "99395", 25000, E | PV, 1, 1 }, { "99396", 26600, E | PV, 1, 1 },
	{ "99397", 28700, E | PV, 1, 1 },
	{ "G0438", 35300, E | PV, 1, 1 }, { "G0439", 27800, E | PV, 1, 1 },
	{ "92004", 31500, E, 1, 1 }, { "92012", 18800, E, 1, 1 },
	{ "92014", 26600, E, 1, 1 },
	{ "G2211", 3400, AD, 1, 1 }, { "99406", 3100, 0, 1, 1 },
	{ "99490", 13300, 0, 1, 1 },
	/* Labs, vaccines, injections. */
	{ "36415", 2500, 0, 1, 1 }, { "80053", 4500, 0, 1, 1 },
	{ "85025", 3000, 0, 1, 1 }, { "83036", 3500, 0, 1, 1 },
	{ "81002", 1200, 0, 1, 1 }, { "87880", 4000, LB, 1, 1 },
	{ "87635", 9500, LB, 1, 1 }, { "88305", 15300, IM, 1, 3 },
	{ "90471", 4400, 0, 1, 1 }, { "90460", 4900, 0, 1, 2 },
	{ "90686", 3800, 0, 1, 1 }, { "96372", 3100, 0, 1, 1 },
	{ "96413", 26300, 0, 1, 1 }, { "96365", 12700, 0, 1, 1 },
	{ "96360", 6600, 0, 1, 1 },
	/* Cardiology, pulmonary, sleep, eye. */
	{ "93000", 3100, 0, 1, 1 }, { "93306", 41300, AU | IM, 1, 1 },
	{ "93880", 40000, IM, 1, 1 }, { "93224", 15000, 0, 1, 1 },
	{ "94010", 5800, IM, 1, 1 }, { "95810", 133900, AU | IM, 1, 1 },
	{ "92250", 7800, IM, 1, 1 }, { "92134", 6900, IM, 1, 1 },
	/* Skin, minor procedures. */
	{ "17000", 14600, SG, 1, 1 }, { "17110", 24200, SG, 1, 1 },
	{ "11102", 21100, 0, 1, 1 }, { "11042", 27500, 0, 1, 1 },
	{ "10060", 27300, SG, 1, 1 }, { "12001", 20100, 0, 1, 1 },
	{ "12002", 24400, 0, 1, 1 }, { "69210", 10200, SD, 1, 1 },
	/* Orthopaedics, spine, pain. */
	{ "20610", 13900, SD | BI, 1, 1 }, { "20611", 21200, SD | BI, 1, 1 },
	{ "20550", 12500, 0, 1, 2 }, { "29125", 14800, SD, 1, 1 },
	{ "29881", 118400, AU | SG | SD | MS, 1, 1 },
	{ "27447", 276700, AU | SG | SD | MS, 1, 1 },
	{ "27130", 277000, AU | SG | SD | MS, 1, 1 },
	{ "28285", 115600, AU | SG | SD | MS, 1, 1 },
	{ "64721", 97600, AU | SG | SD | MS, 1, 1 },
	{ "63030", 199700, AU | SG | MS, 1, 1 },
	{ "22551", 368200, AU | SG | MS, 1, 1 },
	{ "64483", 51900, AU | SD, 1, 1 }, { "62323", 54300, AU, 1, 1 },
	/* Imaging. */
	{ "71046", 7200, IM, 1, 1 }, { "73030", 7400, IM | SD, 1, 1 },
	{ "73560", 7300, IM | SD, 1, 1 }, { "73610", 7800, IM | SD, 1, 1 },
	{ "72148", 41400, AU | IM, 1, 1 }, { "70450", 23100, AU | IM, 1, 1 },
	{ "70553", 69100, AU | IM, 1, 1 }, { "74177", 65400, AU | IM, 1, 1 },
	{ "76700", 24600, IM, 1, 1 }, { "76856", 22300, IM, 1, 1 },
	{ "76801", 24800, IM, 1, 1 }, { "77067", 27400, IM, 1, 1 },
	/* Endoscopy, eye and general surgery. */
	{ "45378", 72100, 0, 1, 1 }, { "45385", 95800, 0, 1, 1 },
	{ "43239", 78600, 0, 1, 1 }, { "66984", 114800, AU | SG | SD, 1, 1 },
	{ "67028", 24000, SD, 1, 1 },
	{ "49505", 113400, AU | SG | SD, 1, 1 },
	{ "47562", 142800, AU | SG, 1, 1 },
	/* Obstetrics / gynaecology. */
	{ "58300", 23100, 0, 1, 1 },
	/* Therapy (units of 15 minutes). */
	{ "97161", 21600, TH, 1, 1 }, { "97110", 6300, TH, 1, 4 },
	{ "97140", 6000, TH, 1, 3 }, { "97112", 7000, TH, 1, 3 },
	{ "97530", 7600, TH, 1, 3 }, { "G0283", 2700, TH, 1, 1 },
	/* Behavioural health. */
	{ "90791", 36700, 0, 1, 1 }, { "90832", 17400, 0, 1, 1 },
	{ "90834", 22900, 0, 1, 1 }, { "90837", 33900, 0, 1, 1 },
	{ "90833", 16000, AD, 1, 1 },
	/* Ambulance: base rates and mileage (units = tenths, see gen837). */
	{ "A0427", 95000, AM, 1, 1 }, { "A0429", 70000, AM, 1, 1 },
	{ "A0428", 45000, AM, 1, 1 }, { "A0425", 1400, MI, 20, 450 },
	/* Drugs (HCPCS J codes), per HCPCS unit. */
	{ "J9035", 45000, DR | AU, 10, 50 }, { "J9267", 250, DR, 100, 300 },
	{ "J1100", 150, DR, 4, 10 }, { "J2550", 1800, DR, 1, 1 },
	{ "J0897", 3500, DR | AU, 60, 120 }, { "J1745", 11000, DR | AU, 30, 50 },
	{ "J3420", 2000, DR, 1, 1 }, { "J7030", 4500, DR, 1, 2 },
	{ "J0696", 2200, DR, 1, 4 }, { "J1650", 1200, DR, 4, 10 },
	{ "J1885", 1500, DR, 1, 2 }, { "J3301", 900, DR, 1, 4 },
};
const size_t genref_nprocs = sizeof(genref_procs) / sizeof(genref_procs[0]);

#undef E
#define PD GENREF_D_PEDS
#define AT GENREF_D_ADULT
#define FE GENREF_D_FEMALE
#define MA GENREF_D_MALE
#define PG GENREF_D_PREG
#define ES GENREF_D_ESRD

const struct genref_dx genref_dxs[] = {
	{ "E119", AT }, { "E1165", AT }, { "E1122", AT }, { "E1140", AT },
	{ "E785", AT }, { "E782", AT }, { "E039", 0 }, { "E559", 0 },
	{ "E669", 0 }, { "E871", 0 }, { "E538", 0 }, { "E8881", AT },
	{ "I10", AT }, { "I2510", AT }, { "I4891", AT }, { "I480", AT },
	{ "I4820", AT }, { "I5022", AT }, { "I509", AT }, { "I739", AT },
	{ "I495", AT }, { "I872", AT }, { "I639", AT }, { "R42", 0 },
	{ "J069", 0 }, { "J029", 0 }, { "J209", 0 }, { "J189", 0 },
	{ "J441", AT }, { "J449", AT }, { "J45909", 0 }, { "J301", 0 },
	{ "J0100", 0 }, { "J329", 0 },
	{ "K219", 0 }, { "K5900", 0 }, { "K589", 0 }, { "K5730", AT },
	{ "K4090", 0 }, { "K8020", AT }, { "D125", AT }, { "R1013", 0 },
	{ "R109", 0 }, { "R197", 0 }, { "R112", 0 },
	{ "N390", 0 }, { "N400", AT | MA }, { "N184", AT }, { "N186", ES },
	{ "N952", AT | FE }, { "N939", FE },
	{ "F329", 0 }, { "F331", 0 }, { "F411", 0 }, { "F419", 0 },
	{ "F4310", 0 }, { "F4312", 0 }, { "F900", 0 }, { "F1010", AT },
	{ "F17210", AT }, { "F5101", 0 },
	{ "G4700", 0 }, { "G4733", 0 }, { "G43909", 0 }, { "G309", AT },
	{ "G629", AT }, { "G5601", 0 }, { "G8929", 0 }, { "R251", 0 },
	{ "R0683", 0 },
	{ "M170", AT }, { "M1711", AT }, { "M1712", AT }, { "M1611", AT },
	{ "M1612", AT }, { "M25511", 0 }, { "M25561", 0 }, { "M25562", 0 },
	{ "M5450", 0 }, { "M5416", AT }, { "M5417", AT }, { "M542", 0 },
	{ "M5412", AT }, { "M4802", AT }, { "M2011", 0 }, { "M069", AT },
	{ "M810", AT | FE }, { "M5126", AT },
	{ "S93401A", 0 }, { "S52501A", 0 }, { "S72001A", 0 }, { "S39012A", 0 },
	{ "S161XXA", 0 }, { "S0990XA", 0 },
	{ "L570", AT }, { "L821", AT }, { "D225", 0 }, { "L700", 0 },
	{ "L400", 0 }, { "L209", 0 }, { "B351", 0 }, { "L03115", 0 },
	{ "H2511", AT }, { "H2512", AT }, { "H2513", AT }, { "H409", AT },
	{ "H524", AT }, { "H6691", 0 },
	{ "C50911", AT | FE }, { "C61", AT | MA }, { "C189", AT },
	{ "C3490", AT }, { "D649", 0 }, { "D509", 0 }, { "Z5111", 0 },
	{ "R079", 0 }, { "R0602", 0 }, { "R509", 0 }, { "R5383", 0 },
	{ "R55", 0 }, { "R4182", 0 }, { "R569", 0 }, { "R7303", AT },
	{ "B349", 0 }, { "A084", 0 }, { "B029", 0 }, { "A419", 0 },
	{ "U071", 0 },
	{ "Z0000", AT }, { "Z0001", AT }, { "Z00121", PD }, { "Z00129", PD },
	{ "Z23", 0 }, { "Z1231", AT | FE }, { "Z1211", AT }, { "Z131", AT },
	{ "Z125", AT | MA }, { "Z01419", FE }, { "Z3400", PG }, { "Z3A20", PG },
	{ "Z30430", FE }, { "Z96651", AT }, { "Z992", ES }, { "Z20822", 0 },
	{ "Z79899", 0 }, { "Z794", 0 }, { "Z7901", AT }, { "Z87891", AT },
	{ "Z09", 0 },
};
const size_t genref_ndxs = sizeof(genref_dxs) / sizeof(genref_dxs[0]);

/*
 * Lists are "code*weight" words.  ages, p_em, p_proc, max_proc,
 * p_multiday, p_referring as in genref.h.
 */
#define SPEC(key, tax, rtax, ages, em, pr, mx, md, rf, pos, eml, prl, dxl) \
	{ key, tax, rtax, ages, em, pr, mx, md, rf, pos, eml, prl, dxl, \
	  0, 0, 0, 0, NULL, NULL, NULL, NULL }

struct genref_specialty genref_specialties[] = {
	SPEC("family", "207Q00000X", "207Q00000X", GENREF_AGE_ALL,
	    95, 35, 3, 0, 0, "11*20 02*1 10*1 12*1",
	    "99213*10 99214*7 99212*3 99203*2 99204*2 99215*1 99211*1 "
	    "99396*2 99395*1 99386*1 99397*1 99392*1 G0439*2 G0438*1",
	    "36415*6 80053*3 85025*4 83036*3 81002*2 90471*2 90686*2 "
	    "96372*2 J1885*1 J3301*1 93000*2 94010*1 17110*1 69210*1 "
	    "11102*1 99406*1",
	    "E119*4 E1165*2 I10*6 E785*4 E782*2 J069*3 J029*2 J209*2 "
	    "Z0000*3 Z0001*2 Z23*2 R0602 R079 F419*2 F329*2 K219*2 N390*2 "
	    "E039*2 E559*2 R5383 G4700 J301 Z131 Z1231 E669*2 R7303 Z87891 "
	    "Z79899 M5450*2 M542 L03115 B349 Z00129 Z00121"),
	SPEC("internal", "207R00000X", "207R00000X", GENREF_AGE_OLDER,
	    97, 30, 3, 0, 0, "11*20 02*1 10*1",
	    "99214*8 99213*6 99215*3 99204*2 99205*1 99212*1 G0439*3 "
	    "G0438*1 99397*1",
	    "36415*5 80053*4 85025*3 83036*4 93000*3 94010*1 96372*1 "
	    "J3420*1 G2211*4 99490*2",
	    "E119*5 E1165*3 E1122*2 E1140*2 I10*7 E785*4 E782*2 I2510*2 "
	    "I4891*2 I5022 N184*2 J449*2 J441 K219*2 E039*2 G309 F329 "
	    "R5383 R42 Z794*2 Z7901 E871 D649 Z0001 E8881"),
	SPEC("pediatrics", "208000000X", "208000000X", GENREF_AGE_PEDS,
	    97, 45, 3, 0, 0, "11*30 02*1",
	    "99213*8 99214*4 99212*3 99392*3 99391*2 99382*1 99381*1 "
	    "99203*1 99211*1",
	    "90460*4 90471*2 90686*2 87880*3 36415*1 85025*1 69210*1 "
	    "J0696*1 96372*1",
	    "Z00121*4 Z00129*5 Z23*4 J069*5 H6691*3 J029*3 R509*2 B349*2 "
	    "A084*2 L209*2 J45909*2 F900 J301 R112 K5900"),
	SPEC("orthopaedics", "207X00000X", "207X00000X", GENREF_AGE_ADULT,
	    80, 70, 3, 0, 40, "11*20 22*4 24*3 21*2",
	    "99213*6 99214*5 99203*3 99204*3 99212*1",
	    "20610*6 20611*2 20550*3 73030*3 73560*4 73610*3 29125*2 "
	    "29881*2 27447*2 27130*1 28285*1 64721*1 J3301*3 72148*1",
	    "M170*3 M1711*4 M1712*3 M1611*2 M1612*2 M25511*3 M25561*3 "
	    "M25562*2 S93401A*2 S52501A S72001A G5601*2 M2011*2 M5450*2 "
	    "Z96651 M810"),
	SPEC("cardiology", "207RC0000X", "207RC0000X", GENREF_AGE_OLDER,
	    95, 55, 3, 0, 35, "11*20 22*3 21*2",
	    "99214*6 99213*4 99215*3 99204*3 99205*1 99203*1",
	    "93000*6 93306*3 93880*2 93224*2 36415*1 80053*1",
	    "I10*6 I2510*5 I4891*3 I480*2 I4820 I5022*3 I509 R079*3 "
	    "R0602*2 I739*2 E785*4 R42 I495 R55 I872"),
	SPEC("dermatology", "207N00000X", "207N00000X", GENREF_AGE_ADULT,
	    85, 60, 3, 0, 0, "11*1",
	    "99213*6 99214*3 99212*2 99203*2 99202*1 99204*1",
	    "17000*4 17110*4 11102*4 88305*2 11042*1 10060*1 12001*1 "
	    "12002*1 J3301*1",
	    "L570*5 L821*4 D225*3 L700*3 L400*2 L209*2 B351*2 L03115"),
	SPEC("imaging", "2085R0202X", "2085R0202X", GENREF_AGE_ADULT,
	    0, 100, 2, 0, 95, "11*10 22*3 19*2", "",
	    "71046*6 73030*3 73560*3 73610*2 72148*3 70450*2 70553*2 "
	    "74177*3 76700*3 76856*2 77067*5 93880*1",
	    "R079*2 R0602*2 M25561*2 M25511*2 R109*3 M5450*2 M5416*2 "
	    "G43909*2 R42 Z1231*5 R1013 S93401A S52501A J189*2 N939"),
	SPEC("asc", "261QA1903X", "208600000X", GENREF_AGE_OLDER,
	    0, 100, 2, 0, 60, "24*1", "",
	    "45378*6 45385*3 43239*3 66984*3 29881*2 64483*2 62323*2 "
	    "49505*2",
	    "Z1211*4 K5730*3 D125*3 K219*3 R1013 H2511*2 H2512*2 H2513 "
	    "M1711 M5416*2 M5417 K4090*2"),
	SPEC("therapy", "225100000X", "225100000X", GENREF_AGE_ADULT,
	    25, 100, 4, 60, 80, "11*1", "97161*1",
	    "97110*6 97140*4 97112*3 97530*4 G0283*2",
	    "M5450*4 M542*2 M25561*3 M25511*3 S39012A*2 S161XXA Z96651*2 "
	    "M1711*2 G8929 M5416*2"),
	SPEC("behavioral", "2084P0800X", "2084P0800X", GENREF_AGE_ADULT,
	    30, 85, 1, 0, 0, "11*12 02*4 10*5", "99214*3 99213*2",
	    "90834*5 90837*4 90832*2 90791*2 90833*6",
	    "F329*4 F331*3 F411*4 F419*3 F4310*2 F4312 F900*2 F1010 "
	    "F17210 F5101"),
	SPEC("ambulance", "3416L0300X", NULL, GENREF_AGE_OLDER,
	    0, 100, 1, 0, 0, "41*1", "", "A0427*3 A0429*4 A0428*3",
	    "R079*3 S72001A*2 R55*3 I639*2 R0602*2 S0990XA*2 R4182*2 R569 "
	    "N186 J441"),
	SPEC("infusion", "207RH0003X", "207RH0003X", GENREF_AGE_OLDER,
	    40, 100, 3, 0, 30, "11*6 19*2 22*1", "99214*3 99215*2 99213*1",
	    "96413*3 96365*3 96372*2 96360*2 J9035*2 J9267*2 J1100*3 "
	    "J2550*2 J0897*2 J1745*2 J3420 J7030*2 J1650",
	    "C50911*3 C61*2 C189*2 C3490*2 Z5111*4 D649*2 D509*2 E538 "
	    "M069*2 M810*2 E871"),
	SPEC("urgent", "261QU0200X", "207P00000X", GENREF_AGE_ALL,
	    100, 45, 2, 0, 0, "20*1",
	    "99213*5 99214*5 99203*3 99204*2 99212*1",
	    "87880*3 87635*2 81002*2 12001*2 29125*1 73610*2 71046*3 "
	    "96372*2 J1885 J0696 J1100 J3301",
	    "J069*4 J029*3 J209*3 N390*3 S93401A*2 R509*2 B349*2 J0100*2 "
	    "H6691 S0990XA L03115 U071 Z20822*2 S52501A S161XXA"),
	SPEC("obgyn", "207V00000X", "207V00000X", GENREF_AGE_WOMEN,
	    90, 35, 2, 0, 0, "11*1",
	    "99213*4 99214*3 99203*2 99395*2 99396*2 99212*1",
	    "76856*2 76801*2 58300*1 36415*2 85025*1 81002*1",
	    "Z01419*5 Z3400*3 Z3A20*2 N952*2 N939*3 Z30430 Z1231*2 D509 "
	    "E039 N390"),
	SPEC("gastro", "207RG0100X", "207RG0100X", GENREF_AGE_ADULT,
	    90, 30, 2, 0, 60, "11*8 22*3",
	    "99214*4 99213*3 99204*3 99203*2 99215*1",
	    "45378*3 45385*2 43239*3 36415*1 80053*1",
	    "K219*4 K5900*3 K589*3 R1013*3 Z1211*3 K5730*2 D125*2 R197*2 "
	    "R112 R109*2"),
	SPEC("ophthalmology", "207W00000X", "207W00000X", GENREF_AGE_OLDER,
	    90, 40, 2, 0, 0, "11*6 24*2",
	    "92014*4 92012*4 92004*2 99213*1 99214*1",
	    "92250*3 92134*4 66984*2 67028*2",
	    "H2511*3 H2512*3 H2513*3 H409*3 H524*2 E119*2 I10"),
	SPEC("sleep", "2084N0400X", "2084N0400X", GENREF_AGE_ADULT,
	    85, 50, 2, 0, 50, "11*6 22*2",
	    "99204*3 99214*4 99213*3 99205*1",
	    "95810*4 94010*2 70553*2 70450*1",
	    "G4733*6 G4700*3 R0683*2 G43909*3 G309*2 R251*2 G629*2 R42 F5101"),
	SPEC("spine", "208VP0014X", "208VP0014X", GENREF_AGE_ADULT,
	    80, 60, 2, 0, 50, "11*6 24*2 22*2",
	    "99204*3 99214*4 99213*2",
	    "64483*4 62323*3 63030*2 22551*1 72148*3 20550*1",
	    "M5416*4 M5417*3 M5126*3 M4802*2 M5412*3 M542*2 M5450*3 G8929*2"),
	SPEC("surgery", "208600000X", "208600000X", GENREF_AGE_ADULT,
	    70, 60, 2, 0, 30, "11*5 22*3 21*3",
	    "99204*2 99214*3 99213*3",
	    "47562*3 49505*3 10060*3 11042*2 12002*1",
	    "K8020*4 K4090*4 L03115*3 R1013*2 R109*2 K219"),
	SPEC("hospitalist", "208M00000X", "208M00000X", GENREF_AGE_OLDER,
	    100, 0, 0, 70, 0, "21*1",
	    "99223*3 99222*3 99221*1",
	    "",
	    "J189*4 I5022*3 J441*3 N390*2 A419*3 R079*2 E871*2 I639*2 R55 "
	    "N184 E1122"),
};
const size_t genref_nspecialties =
    sizeof(genref_specialties) / sizeof(genref_specialties[0]);

const struct genref_zip genref_zips[] = {
	{ "10001", "NY", "NEW YORK" }, { "11201", "NY", "BROOKLYN" },
	{ "14202", "NY", "BUFFALO" }, { "12601", "NY", "POUGHKEEPSIE" },
	{ "60601", "IL", "CHICAGO" }, { "62201", "IL", "EAST SAINT LOUIS" },
	{ "62701", "IL", "SPRINGFIELD" }, { "90012", "CA", "LOS ANGELES" },
	{ "94102", "CA", "SAN FRANCISCO" }, { "94612", "CA", "OAKLAND" },
	{ "95113", "CA", "SAN JOSE" }, { "92101", "CA", "SAN DIEGO" },
	{ "95814", "CA", "SACRAMENTO" }, { "93721", "CA", "FRESNO" },
	{ "77002", "TX", "HOUSTON" }, { "75201", "TX", "DALLAS" },
	{ "78701", "TX", "AUSTIN" }, { "78205", "TX", "SAN ANTONIO" },
	{ "78520", "TX", "BROWNSVILLE" }, { "33130", "FL", "MIAMI" },
	{ "33301", "FL", "FORT LAUDERDALE" }, { "33602", "FL", "TAMPA" },
	{ "32801", "FL", "ORLANDO" }, { "98101", "WA", "SEATTLE" },
	{ "30303", "GA", "ATLANTA" }, { "02108", "MA", "BOSTON" },
	{ "80202", "CO", "DENVER" }, { "85004", "AZ", "PHOENIX" },
	{ "19103", "PA", "PHILADELPHIA" }, { "15222", "PA", "PITTSBURGH" },
	{ "48226", "MI", "DETROIT" }, { "55401", "MN", "MINNEAPOLIS" },
	{ "37203", "TN", "NASHVILLE" }, { "97204", "OR", "PORTLAND" },
	{ "84101", "UT", "SALT LAKE CITY" }, { "73102", "OK", "OKLAHOMA CITY" },
	{ "35203", "AL", "BIRMINGHAM" }, { "70112", "LA", "NEW ORLEANS" },
	{ "46204", "IN", "INDIANAPOLIS" }, { "43215", "OH", "COLUMBUS" },
	{ "53202", "WI", "MILWAUKEE" }, { "89101", "NV", "LAS VEGAS" },
	{ "87102", "NM", "ALBUQUERQUE" }, { "96813", "HI", "HONOLULU" },
	{ "99501", "AK", "ANCHORAGE" }, { "04101", "ME", "PORTLAND" },
	{ "05401", "VT", "BURLINGTON" }, { "03101", "NH", "MANCHESTER" },
	{ "06103", "CT", "HARTFORD" }, { "21202", "MD", "BALTIMORE" },
	{ "23219", "VA", "RICHMOND" }, { "27601", "NC", "RALEIGH" },
	{ "29201", "SC", "COLUMBIA" }, { "40202", "KY", "LOUISVILLE" },
	{ "41501", "KY", "PIKEVILLE" }, { "50309", "IA", "DES MOINES" },
	{ "68102", "NE", "OMAHA" }, { "57104", "SD", "SIOUX FALLS" },
	{ "58102", "ND", "FARGO" }, { "59101", "MT", "BILLINGS" },
	{ "59801", "MT", "MISSOULA" }, { "83702", "ID", "BOISE" },
	{ "82001", "WY", "CHEYENNE" }, { "72201", "AR", "LITTLE ROCK" },
	{ "39201", "MS", "JACKSON" }, { "25301", "WV", "CHARLESTON" },
	{ "07102", "NJ", "NEWARK" }, { "19801", "DE", "WILMINGTON" },
	{ "02903", "RI", "PROVIDENCE" }, { "20001", "DC", "WASHINGTON" },
	{ "63101", "MO", "SAINT LOUIS" },
};
const size_t genref_nzips = sizeof(genref_zips) / sizeof(genref_zips[0]);

/* id, name, street, zip, type, critical access, active, specialty,
 * weight, auth desk, workers' comp class. */
#define FAC(id, nm, st, zip, ty, ca, act, sp, w, ad, wc) \
	{ id, nm, st, zip, ty, ca, act, -1, w, ad, wc, "", "", "", 0, 0 }
static const char *const facility_specialty[] = {
	"family", "internal", "orthopaedics", "cardiology", "dermatology",
	"imaging", "asc", "therapy", "behavioral", "ambulance", "infusion",
	"urgent", "obgyn", "pediatrics", "gastro", "ophthalmology", "sleep",
	"spine", "surgery", "hospitalist", "family", "imaging",
};

struct genref_facility genref_facilities[] = {
	FAC("FAC001", "NORTHGATE FAMILY MEDICINE", "1200 NORTHGATE WAY", 23,
	    "Non-Teaching", 'N', 1, 0, 10, 1, 0),
	FAC("FAC002", "LAKESHORE INTERNAL MEDICINE ASSOCIATES",
	    "410 E LAKESHORE DR", 4, "Teaching", 'N', 1, 1, 9, 1, 0),
	FAC("FAC003", "RIVERBEND ORTHOPAEDIC GROUP", "8800 BELLAIRE BLVD",
	    14, "Non-Teaching", 'N', 1, 2, 8, 0, 1),
	FAC("FAC004", "HEARTLAND CARDIOLOGY PARTNERS", "1701 N SENATE AVE",
	    38, "Teaching", 'N', 1, 3, 6, 1, 0),
	FAC("FAC005", "CANYON DERMATOLOGY", "2020 E CAMELBACK RD", 27,
	    "Non-Teaching", 'N', 1, 4, 5, 1, 0),
	FAC("FAC006", "MERIDIAN IMAGING CENTER", "55 PEACHTREE CENTER AVE",
	    24, "Non-Teaching", 'N', 1, 5, 6, 0, 0),
	FAC("FAC007", "BAYVIEW SURGERY CENTER", "3400 HARBOR DR", 11,
	    "Non-Teaching", 'N', 1, 6, 6, 0, 0),
	FAC("FAC008", "KEYSTONE PHYSICAL THERAPY", "600 GRANT ST STE 210", 29,
	    "Non-Teaching", 'N', 1, 7, 6, 1, 1),
	FAC("FAC009", "COMMONWEALTH BEHAVIORAL HEALTH", "75 BEACON ST", 25,
	    "Teaching", 'N', 1, 8, 6, 1, 0),
	FAC("FAC010", "PRAIRIE AMBULANCE SERVICE", "2400 MAIN AVE", 58,
	    "Unknown", 'N', 1, 9, 0, 1, 0),
	FAC("FAC011", "HIGH DESERT INFUSION AND ONCOLOGY",
	    "4500 MONTGOMERY BLVD NE", 42, "Teaching", 'N', 1, 10, 0, 0, 0),
	FAC("FAC012", "FRONT RANGE URGENT CARE", "1550 LARIMER ST", 26,
	    "Non-Teaching", 'N', 1, 11, 8, 1, 1),
	FAC("FAC013", "MAGNOLIA WOMENS HEALTH", "1440 CANAL ST", 37,
	    "Non-Teaching", 'N', 1, 12, 5, 1, 0),
	FAC("FAC014", "BLUE RIDGE PEDIATRICS", "900 E BROAD ST", 50,
	    "Non-Teaching", 'N', 1, 13, 6, 1, 0),
	FAC("FAC015", "GREAT LAKES GASTROENTEROLOGY", "3990 JOHN R ST", 30,
	    "Teaching", 'N', 1, 14, 4, 1, 0),
	FAC("FAC016", "CASCADE EYE ASSOCIATES", "1130 NW 22ND AVE", 33,
	    "Non-Teaching", 'N', 1, 15, 4, 0, 0),
	FAC("FAC017", "SILVER STATE SLEEP AND NEUROLOGY", "2800 W SAHARA AVE",
	    41, "Non-Teaching", 'N', 1, 16, 3, 0, 0),
	FAC("FAC018", "CAPITAL SPINE AND PAIN", "2801 K ST STE 300", 12,
	    "Non-Teaching", 'N', 1, 17, 4, 0, 1),
	FAC("FAC019", "BIG SKY GENERAL SURGERY", "1233 N 30TH ST", 59,
	    "Non-Teaching", 'Y', 1, 18, 3, 1, 0),
	FAC("FAC020", "TIDEWATER HOSPITALIST GROUP", "1611 NW 12TH AVE", 19,
	    "Teaching", 'N', 1, 19, 6, 1, 0),
	/* Closed practices: used only by the inactive-facility defect. */
	FAC("FAC021", "OLD TOWN FAMILY PRACTICE", "320 S 6TH ST", 6,
	    "Non-Teaching", 'N', 0, 20, 0, 1, 0),
	FAC("FAC022", "APPALACHIAN RURAL IMAGING", "911 BYPASS RD", 54,
	    "Unknown", 'Y', 0, 21, 0, 1, 0),
};
const size_t genref_nfacilities =
    sizeof(genref_facilities) / sizeof(genref_facilities[0]);

const struct genref_payer genref_payers[] = {
	{ "SMB01", "MEDICARE PART B EAST", "MB", "Government", NULL,
	  "PO BOX 1001", 28 },
	{ "SMB02", "MEDICARE PART B WEST", "MB", "Government", NULL,
	  "PO BOX 2002", 12 },
	{ "SMA01", "SILVER HORIZON MEDICARE ADVANTAGE", "16", "Managed Care",
	  NULL, "PO BOX 3003", 39 },
	{ "SMC01", "STATE MEDICAID PROGRAM", "MC", "Government", NULL,
	  "PO BOX 4004", 50 },
	{ "SCH01", "KIDS FIRST CHIP PLAN", "MC", "Government", NULL,
	  "PO BOX 4114", 50 },
	{ "SCI01", "SUMMIT MUTUAL INSURANCE", "CI", "Commercial", NULL,
	  "PO BOX 5005", 48 },
	{ "SCI02", "GREAT PLAINS LIFE AND HEALTH", "CI", "Commercial", NULL,
	  "PO BOX 5115", 56 },
	{ "SBL01", "BLUE SHIELD OF THE NORTHLAND", "BL", "Commercial", NULL,
	  "PO BOX 6006", 31 },
	{ "SBL02", "BLUE CROSS OF THE SOUTHLAND", "BL", "Commercial", NULL,
	  "PO BOX 6116", 24 },
	{ "SHM01", "RIVERBEND HEALTH HMO", "HM", "Managed Care",
	  "TX LA FL GA AL MS TN", "PO BOX 7007", 14 },
	{ "SHM02", "PACIFIC CREST HMO", "HM", "Managed Care",
	  "CA OR WA NV AZ", "PO BOX 7117", 8 },
	{ "SPP01", "PINNACLE PPO NETWORK", "12", "Commercial", NULL,
	  "PO BOX 8008", 15 },
	{ "SCH02", "TRI SERVICE MILITARY HEALTH PLAN", "CH", "Government",
	  NULL, "PO BOX 9009", 17 },
	{ "SWC01", "KEYSTONE WORKERS COMPENSATION FUND", "WC",
	  "Workers Comp", NULL, "PO BOX 1212", 29 },
	{ "SAM01", "INTERSTATE AUTO MEDICAL INSURANCE", "AM", "Other", NULL,
	  "PO BOX 1313", 39 },
};
const size_t genref_npayers = sizeof(genref_payers) / sizeof(genref_payers[0]);

/* Specific classes (payer or facility) first: genref_class_for() takes
 * the first match. */
const struct genref_class genref_classes[] = {
	{ "FC_MCARE_ADV", "MEDICARE ADVANTAGE HMO", NULL, "16", "SMA01",
	  1, 180, 1 },
	{ "FC_MCAID", "MEDICAID FEE FOR SERVICE", NULL, "MC", "SMC01",
	  1, 365, 1 },
	{ "FC_CHIP", "CHILDRENS HEALTH INSURANCE PROGRAM", NULL, "MC",
	  "SCH01", 1, 365, 1 },
	{ "FC_HMO_PACIFIC_OLD", "PACIFIC CREST HMO (RETIRED CONTRACT)",
	  "FAC016", "HM", "SHM02", 1, 90, 0 },
	{ "FC_WC_FAC003", "WORKERS COMPENSATION - RIVERBEND ORTHO", "FAC003",
	  "WC", NULL, 0, 365, 1 },
	{ "FC_WC_FAC008", "WORKERS COMPENSATION - KEYSTONE PT", "FAC008",
	  "WC", NULL, 0, 365, 1 },
	{ "FC_WC_FAC012", "WORKERS COMPENSATION - FRONT RANGE UC", "FAC012",
	  "WC", NULL, 0, 365, 1 },
	{ "FC_WC_FAC018", "WORKERS COMPENSATION - CAPITAL SPINE", "FAC018",
	  "WC", NULL, 0, 365, 1 },
	{ "FC_AUTO_FAC003", "AUTO MEDICAL - RIVERBEND ORTHO", "FAC003", "AM",
	  NULL, 0, 365, 1 },
	{ "FC_AUTO_FAC010", "AUTO MEDICAL - PRAIRIE AMBULANCE", "FAC010", "AM",
	  NULL, 0, 365, 1 },
	{ "FC_AUTO_FAC012", "AUTO MEDICAL - FRONT RANGE UC", "FAC012", "AM",
	  NULL, 0, 365, 1 },
	{ "FC_AUTO_FAC020", "AUTO MEDICAL - TIDEWATER", "FAC020", "AM",
	  NULL, 0, 365, 1 },
	{ "FC_MCARE_B", "MEDICARE PART B", NULL, "MB", NULL, 0, 365, 1 },
	{ "FC_COMM", "COMMERCIAL INSURANCE", NULL, "CI", NULL, 1, 180, 1 },
	{ "FC_BCBS", "BLUE CROSS BLUE SHIELD", NULL, "BL", NULL, 1, 180, 1 },
	{ "FC_HMO", "HEALTH MAINTENANCE ORGANIZATION", NULL, "HM", NULL,
	  1, 90, 1 },
	{ "FC_PPO", "PREFERRED PROVIDER ORGANIZATION", NULL, "12", NULL,
	  1, 180, 1 },
	{ "FC_TRICARE", "TRICARE CHAMPUS", NULL, "CH", NULL, 0, 365, 1 },
	{ "FC_SELFPAY", "SELF PAY", NULL, "09", NULL, 0, 365, 1 },
};
const size_t genref_nclasses =
    sizeof(genref_classes) / sizeof(genref_classes[0]);

struct genref_hospital genref_hospitals[] = {
	{ "ST BRIGID MEDICAL CENTER", "500 17TH AVE", 23, "" },
	{ "LAKEVIEW GENERAL HOSPITAL", "2900 N LAKE SHORE DR", 4, "" },
	{ "GULF COAST REGIONAL MEDICAL CENTER", "6500 FANNIN ST", 14, "" },
	{ "CIRCLE CITY GENERAL HOSPITAL", "1800 N CAPITOL AVE", 38, "" },
	{ "SONORAN VALLEY HOSPITAL", "1111 E MCDOWELL RD", 27, "" },
	{ "PEACHTREE COMMUNITY HOSPITAL", "80 JESSE HILL JR DR SE", 24, "" },
	{ "HARBOR POINT MEDICAL CENTER", "200 W ARBOR DR", 11, "" },
	{ "THREE RIVERS GENERAL HOSPITAL", "320 E NORTH AVE", 29, "" },
	{ "BEACON HILL COMMUNITY HOSPITAL", "55 FRUIT ST", 25, "" },
	{ "RED RIVER VALLEY HOSPITAL", "801 BROADWAY N", 58, "" },
	{ "RIO GRANDE MEDICAL CENTER", "2211 LOMAS BLVD NE", 42, "" },
	{ "MILE HIGH GENERAL HOSPITAL", "777 BANNOCK ST", 26, "" },
	{ "CRESCENT CITY MEDICAL CENTER", "2000 CANAL ST", 37, "" },
	{ "JAMES RIVER REGIONAL HOSPITAL", "1250 E MARSHALL ST", 50, "" },
	{ "MOTOR CITY GENERAL HOSPITAL", "4201 SAINT ANTOINE ST", 30, "" },
	{ "WILLAMETTE VALLEY HOSPITAL", "3181 SW SAM JACKSON PARK RD", 33,
	  "" },
	{ "NEON VALLEY MEDICAL CENTER", "1800 W CHARLESTON BLVD", 41, "" },
	{ "SACRAMENTO DELTA HOSPITAL", "2315 STOCKTON BLVD", 12, "" },
	{ "YELLOWSTONE COUNTY HOSPITAL", "2800 10TH AVE N", 59, "" },
	{ "BISCAYNE BAY MEDICAL CENTER", "1611 NW 12TH AVE", 19, "" },
};
const size_t genref_nhospitals =
    sizeof(genref_hospitals) / sizeof(genref_hospitals[0]);

const struct genref_name genref_last_names[] = {
	{ "SMITH", NULL }, { "JOHNSON", NULL }, { "WILLIAMS", NULL },
	{ "BROWN", NULL }, { "JONES", NULL }, { "GARCIA", "GARCÍA" },
	{ "MILLER", NULL }, { "DAVIS", NULL }, { "RODRIGUEZ", "RODRÍGUEZ" },
	{ "MARTINEZ", "MARTÍNEZ" }, { "HERNANDEZ", "HERNÁNDEZ" },
	{ "LOPEZ", "LÓPEZ" }, { "GONZALEZ", "GONZÁLEZ" }, { "WILSON", NULL },
	{ "ANDERSON", NULL }, { "THOMAS", NULL }, { "TAYLOR", NULL },
	{ "MOORE", NULL }, { "JACKSON", NULL }, { "MARTIN", NULL },
	{ "LEE", NULL }, { "PEREZ", "PÉREZ" }, { "THOMPSON", NULL },
	{ "WHITE", NULL }, { "HARRIS", NULL }, { "SANCHEZ", "SÁNCHEZ" },
	{ "CLARK", NULL }, { "RAMIREZ", "RAMÍREZ" }, { "LEWIS", NULL },
	{ "ROBINSON", NULL }, { "WALKER", NULL }, { "YOUNG", NULL },
	{ "ALLEN", NULL }, { "KING", NULL }, { "WRIGHT", NULL },
	{ "SCOTT", NULL }, { "TORRES", NULL }, { "NGUYEN", NULL },
	{ "HILL", NULL }, { "FLORES", NULL }, { "GREEN", NULL },
	{ "ADAMS", NULL }, { "NELSON", NULL }, { "BAKER", NULL },
	{ "HALL", NULL }, { "RIVERA", NULL }, { "CAMPBELL", NULL },
	{ "MITCHELL", NULL }, { "CARTER", NULL }, { "ROBERTS", NULL },
	{ "MUELLER", "MÜLLER" }, { "NUNEZ", "NÚÑEZ" }, { "PENA", "PEÑA" },
	{ "SORENSEN", "SØRENSEN" }, { "DUBE", "DUBÉ" }, { "KOVAC", "KOVAČ" },
	{ "OBRIEN", "O'BRIEN" }, { "KIM", NULL }, { "PATEL", NULL },
	{ "CHEN", NULL }, { "WOJCIK", "WÓJCIK" }, { "LEFEVRE", "LEFÈVRE" },
};
const size_t genref_nlast =
    sizeof(genref_last_names) / sizeof(genref_last_names[0]);

const struct genref_name genref_male_names[] = {
	{ "JAMES", NULL }, { "ROBERT", NULL }, { "JOHN", NULL },
	{ "MICHAEL", NULL }, { "DAVID", NULL }, { "WILLIAM", NULL },
	{ "RICHARD", NULL }, { "JOSEPH", NULL }, { "THOMAS", NULL },
	{ "CHARLES", NULL }, { "CHRISTOPHER", NULL }, { "DANIEL", NULL },
	{ "MATTHEW", NULL }, { "ANTHONY", NULL }, { "MARK", NULL },
	{ "DONALD", NULL }, { "STEVEN", NULL }, { "PAUL", NULL },
	{ "ANDREW", NULL }, { "KEVIN", NULL }, { "BRIAN", NULL },
	{ "GEORGE", NULL }, { "EDWARD", NULL }, { "RAYMOND", NULL },
	{ "JOSE", "JOSÉ" }, { "ANDRE", "ANDRÉ" }, { "FRANCOIS", "FRANÇOIS" },
	{ "JOAO", "JOÃO" }, { "BJORN", "BJÖRN" }, { "ANGEL", "ÁNGEL" },
	{ "LUIS", NULL }, { "CARLOS", NULL }, { "WEI", NULL },
	{ "RAJ", NULL }, { "TYLER", NULL }, { "ETHAN", NULL },
	{ "NOAH", NULL }, { "LIAM", NULL }, { "MASON", NULL },
};
const size_t genref_nmale =
    sizeof(genref_male_names) / sizeof(genref_male_names[0]);

const struct genref_name genref_female_names[] = {
	{ "MARY", NULL }, { "PATRICIA", NULL }, { "JENNIFER", NULL },
	{ "LINDA", NULL }, { "ELIZABETH", NULL }, { "BARBARA", NULL },
	{ "SUSAN", NULL }, { "JESSICA", NULL }, { "SARAH", NULL },
	{ "KAREN", NULL }, { "LISA", NULL }, { "NANCY", NULL },
	{ "BETTY", NULL }, { "MARGARET", NULL }, { "SANDRA", NULL },
	{ "ASHLEY", NULL }, { "DOROTHY", NULL }, { "KIMBERLY", NULL },
	{ "EMILY", NULL }, { "DONNA", NULL }, { "MICHELLE", NULL },
	{ "CAROL", NULL }, { "AMANDA", NULL }, { "MELISSA", NULL },
	{ "MARIA", "MARÍA" }, { "ZOE", "ZOË" }, { "RENEE", "RENÉE" },
	{ "INES", "INÉS" }, { "ELODIE", "ÉLODIE" }, { "SOLENE", "SOLÈNE" },
	{ "ANA", NULL }, { "SOFIA", "SOFÍA" }, { "MEI", NULL },
	{ "PRIYA", NULL }, { "OLIVIA", NULL }, { "EMMA", NULL },
	{ "AVA", NULL }, { "ISABELLA", NULL }, { "MIA", NULL },
};
const size_t genref_nfemale =
    sizeof(genref_female_names) / sizeof(genref_female_names[0]);

const char *const genref_streets[] = {
	"MAIN ST", "OAK AVE", "MAPLE DR", "PARK BLVD", "CEDAR LN", "ELM ST",
	"WASHINGTON AVE", "LAKE SHORE DR", "HILLCREST RD", "RIVER RD",
	"PINE ST", "SUNSET BLVD", "CHURCH ST", "MILL RD", "SPRING ST",
	"HIGHLAND AVE", "FOREST DR", "MEADOW LN", "VALLEY VIEW RD",
	"WILLOW CT", "JEFFERSON ST", "LINCOLN AVE", "FRANKLIN ST",
	"COLLEGE AVE", "N 5TH ST", "S 12TH ST", "E 3RD AVE", "W 9TH ST",
	"ORCHARD WAY", "BIRCH CIR",
};
const size_t genref_nstreets =
    sizeof(genref_streets) / sizeof(genref_streets[0]);

struct genref_person *genref_people;
size_t genref_npeople;

/* ---------------------------------------------------------------------- */

char
genref_npi_check(const char *base9)
{
	int sum = 24, i;

	/* From the rightmost of the nine digits, double every other one. */
	for (i = 8; i >= 0; i--) {
		int d = base9[i] - '0';

		if ((8 - i) % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

int
genref_npi_valid(const char *npi)
{
	int i;

	for (i = 0; i < 10; i++)
		if (npi[i] < '0' || npi[i] > '9')
			return 0;
	if (npi[10] != '\0')
		return 0;
	return genref_npi_check(npi) == npi[9];
}

void
genref_npi_make(char out[11], uint64_t x)
{
	snprintf(out, 11, "1%08llu", (unsigned long long)(x % 100000000ULL));
	out[9] = genref_npi_check(out);
	out[10] = '\0';
}

int
genref_proc_find(const char *code)
{
	size_t i;

	for (i = 0; i < genref_nprocs; i++)
		if (strcmp(genref_procs[i].code, code) == 0)
			return (int)i;
	return -1;
}

int
genref_dx_find(const char *code)
{
	size_t i;

	for (i = 0; i < genref_ndxs; i++)
		if (strcmp(genref_dxs[i].code, code) == 0)
			return (int)i;
	return -1;
}

int
genref_payer_find(const char *id)
{
	size_t i;

	for (i = 0; i < genref_npayers; i++)
		if (strcmp(genref_payers[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
genref_specialty_find(const char *key)
{
	size_t i;

	for (i = 0; i < genref_nspecialties; i++)
		if (strcmp(genref_specialties[i].key, key) == 0)
			return (int)i;
	return -1;
}

/*
 * Expand "code*weight ..." into an array of indexes (weights as repeats)
 * found with find; an unknown code is a bug in the tables above.
 */
static int *
parse_list(const char *list, int (*find)(const char *), size_t *n)
{
	int *out = NULL;
	size_t cap = 0;
	const char *p = list;

	*n = 0;
	while (*p != '\0') {
		char code[16];
		size_t len = strcspn(p, " *");
		long w = 1;
		int idx;

		if (len == 0 || len >= sizeof(code)) {
			p++;
			continue;
		}
		memcpy(code, p, len);
		code[len] = '\0';
		p += len;
		if (*p == '*')
			w = strtol(p + 1, (char **)&p, 10);
		idx = find(code);
		if (idx < 0) {
			fprintf(stderr, "genref: unknown code in table: %s\n",
			    code);
			abort();
		}
		while (w-- > 0) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 32;
				out = xreallocarray(out, cap, sizeof(*out));
			}
			out[(*n)++] = idx;
		}
	}
	return out;
}

static const char *pos_codes[] = { "02", "10", "11", "12", "19", "20",
    "21", "22", "23", "24", "41" };

static int
pos_find(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(pos_codes) / sizeof(pos_codes[0]); i++)
		if (strcmp(pos_codes[i], code) == 0)
			return (int)i;
	return -1;
}

static void
fixed_name(struct genrand *r, struct genref_person *p)
{
	const struct genref_name *f = genrand_chance(r, 0.5) ?
	    &genref_male_names[genrand_below(r, (uint32_t)genref_nmale)] :
	    &genref_female_names[genrand_below(r, (uint32_t)genref_nfemale)];

	/* Provider names stay ASCII: they come from NPPES-like master data. */
	snprintf(p->last, sizeof(p->last), "%s",
	    genref_last_names[genrand_below(r, (uint32_t)genref_nlast)].ascii);
	snprintf(p->first, sizeof(p->first), "%s", f->ascii);
	p->middle[0] = (char)('A' + genrand_below(r, 26));
	p->middle[1] = '\0';
}

void
genref_init(void)
{
	static int done;
	struct genrand r;
	size_t i, npeople;
	int k;

	if (done)
		return;
	done = 1;
	/* A constant seed: the universe is the same for every --seed. */
	genrand_seed(&r, 0x636c61696d6b6974ULL, 0);
	for (i = 0; i < genref_nspecialties; i++) {
		struct genref_specialty *s = &genref_specialties[i];
		int *pos = parse_list(s->pos_list, pos_find, &s->npos);
		size_t j;

		s->pos = xreallocarray(NULL, s->npos, sizeof(*s->pos));
		for (j = 0; j < s->npos; j++)
			s->pos[j] = pos_codes[pos[j]];
		free(pos);
		s->em = parse_list(s->em_list, genref_proc_find, &s->nem);
		s->proc = parse_list(s->proc_list, genref_proc_find, &s->nproc);
		s->dx = parse_list(s->dx_list, genref_dx_find, &s->ndx);
	}
	npeople = 0;
	for (i = 0; i < genref_nfacilities; i++) {
		struct genref_facility *f = &genref_facilities[i];

		f->specialty = genref_specialty_find(facility_specialty[i]);
		genref_npi_make(f->npi, genrand_next(&r));
		/* EIN: a real IRS campus prefix (10-99, not 00/07/08/09...). */
		snprintf(f->tax_id, sizeof(f->tax_id), "%02u%07u",
		    (unsigned)(20 + genrand_below(&r, 70)),
		    (unsigned)genrand_below(&r, 10000000));
		snprintf(f->zip4, sizeof(f->zip4), "%04u",
		    (unsigned)(1000 + genrand_below(&r, 9000)));
		f->nrend = genref_specialties[f->specialty].rtaxonomy == NULL ?
		    0 : 3 + (int)genrand_below(&r, 4);
		f->rend = (int)npeople;
		npeople += (size_t)f->nrend;
	}
	/* Referring physicians (not part of any facility): 40 of them. */
	npeople += 40;
	genref_people = xcalloc(npeople, sizeof(*genref_people));
	genref_npeople = npeople;
	for (i = 0; i < genref_nfacilities; i++) {
		struct genref_facility *f = &genref_facilities[i];

		for (k = 0; k < f->nrend; k++) {
			struct genref_person *p = &genref_people[f->rend + k];

			fixed_name(&r, p);
			genref_npi_make(p->npi, genrand_next(&r));
			p->facility = (int)i;
			p->taxonomy = genref_specialties[f->specialty].rtaxonomy;
		}
	}
	for (i = npeople - 40; i < npeople; i++) {
		struct genref_person *p = &genref_people[i];
		static const char *const tax[] = { "207Q00000X", "207R00000X",
		    "208000000X", "207RC0000X", "207X00000X" };

		fixed_name(&r, p);
		genref_npi_make(p->npi, genrand_next(&r));
		p->facility = -1;
		p->taxonomy = tax[genrand_below(&r, 5)];
	}
	for (i = 0; i < genref_nhospitals; i++)
		genref_npi_make(genref_hospitals[i].npi, genrand_next(&r));
}

const struct genref_class *
genref_class_for(const char *fi, const char *payer_id, const char *fac)
{
	size_t i;

	for (i = 0; i < genref_nclasses; i++) {
		const struct genref_class *c = &genref_classes[i];

		if (!c->active || strcmp(c->fi, fi) != 0)
			continue;
		if (c->payer_id != NULL && strcmp(c->payer_id, payer_id) != 0)
			continue;
		if (c->facility_id != NULL && strcmp(c->facility_id, fac) != 0)
			continue;
		return c;
	}
	return NULL;
}

int
genref_payer_covers(const struct genref_payer *p, const char *st)
{
	const char *s;

	if (p->states == NULL)
		return 1;
	for (s = p->states; *s != '\0'; s += (s[2] == ' ') ? 3 : 2)
		if (s[0] == st[0] && s[1] == st[1])
			return 1;
	return 0;
}

/* ---------------------------------------------------------------------- */

/* CSV field: quoted only when it holds a comma, quote or line break. */
static void
csv_field(FILE *fp, const char *s, int last)
{
	if (s != NULL && strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', fp);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else if (s != NULL)
		fputs(s, fp);
	fputc(last ? '\n' : ',', fp);
}

static FILE *
open_in(const char *dir, const char *name, char *path, size_t pathsz)
{
	snprintf(path, pathsz, "%s/%s", dir, name);
	return fopen(path, "w");
}

static int
close_checked(FILE *fp)
{
	int bad = ferror(fp);

	if (fclose(fp) != 0 || bad) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int
genref_write(const char *dir)
{
	char path[4096], num[16];
	FILE *fp;
	size_t i;

	genref_init();
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return -1;
	if ((fp = open_in(dir, "facilities.csv", path, sizeof(path))) == NULL)
		return -1;
	fputs("facility_id,facility_name,npi_number,tax_id,state_code,"
	    "zip_code,facility_type,critical_access,active\n", fp);
	for (i = 0; i < genref_nfacilities; i++) {
		const struct genref_facility *f = &genref_facilities[i];
		char ca[2] = { f->critical_access, '\0' };

		csv_field(fp, f->id, 0);
		csv_field(fp, f->name, 0);
		csv_field(fp, f->npi, 0);
		csv_field(fp, f->tax_id, 0);
		csv_field(fp, genref_zips[f->zip].state, 0);
		csv_field(fp, genref_zips[f->zip].zip, 0);
		csv_field(fp, f->type, 0);
		csv_field(fp, ca, 0);
		csv_field(fp, f->active ? "true" : "false", 1);
	}
	if (close_checked(fp) != 0)
		return -1;

	if ((fp = open_in(dir, "financial_classes.csv", path,
	    sizeof(path))) == NULL)
		return -1;
	fputs("financial_class_id,financial_class_description,facility_id,"
	    "claim_filing_indicator,payer_id,requires_authorization,"
	    "days_to_file_claim,active\n", fp);
	for (i = 0; i < genref_nclasses; i++) {
		const struct genref_class *c = &genref_classes[i];

		csv_field(fp, c->id, 0);
		csv_field(fp, c->description, 0);
		csv_field(fp, c->facility_id, 0);
		csv_field(fp, c->fi, 0);
		csv_field(fp, c->payer_id, 0);
		csv_field(fp, c->requires_auth ? "true" : "false", 0);
		snprintf(num, sizeof(num), "%d", c->days_to_file);
		csv_field(fp, num, 0);
		csv_field(fp, c->active ? "true" : "false", 1);
	}
	if (close_checked(fp) != 0)
		return -1;

	if ((fp = open_in(dir, "payers.csv", path, sizeof(path))) == NULL)
		return -1;
	fputs("payer_id,payer_name,claim_filing_indicator,payer_category\n",
	    fp);
	for (i = 0; i < genref_npayers; i++) {
		const struct genref_payer *p = &genref_payers[i];

		csv_field(fp, p->id, 0);
		csv_field(fp, p->name, 0);
		csv_field(fp, p->fi, 0);
		csv_field(fp, p->category, 1);
	}
	return close_checked(fp);
}
