"""What the booking pages say, in Vietnamese (the default) and English (merged into TEXTS)."""

from __future__ import annotations

BOOKING_TEXTS: dict[str, dict[str, str]] = {
    # The home page and the list of services -------------------------------------------------
    "home_book": {
        "vi": "Bạn cũng có thể đặt lịch hẹn trước hoặc lấy số từ xa bằng điện thoại:",
        "en": "You can also book an appointment or take a number remotely from your phone:",
    },
    "book_link": {"vi": "Đặt lịch hẹn", "en": "Book an appointment"},
    "book_link_site": {"vi": "Đặt lịch hẹn tại {site}", "en": "Book an appointment at {site}"},
    "book_title": {"vi": "Đặt lịch hẹn", "en": "Book an appointment"},
    "book_intro": {
        "vi": "Chọn dịch vụ bạn cần. Bạn sẽ nhận mã xác nhận qua tin nhắn điện thoại.",
        "en": "Choose the service you need. A confirmation code is sent to your phone.",
    },
    "book_none": {
        "vi": "Điểm phục vụ này chưa nhận đặt lịch hẹn. Mời bạn lấy số tại ki-ốt.",
        "en": "This centre does not take appointments yet. Please take a number at the kiosk.",
    },
    "offers_slots": {"vi": "Đặt lịch theo giờ", "en": "Appointments by time"},
    "offers_remote": {"vi": "Lấy số từ xa trong ngày", "en": "Same-day remote numbers"},
    # A service's days and times ---------------------------------------------------------------
    "slots_title": {"vi": "Chọn ngày và giờ hẹn", "en": "Choose a day and time"},
    "remote_heading": {"vi": "Lấy số từ xa hôm nay", "en": "Take a number for today"},
    "remote_explain": {
        "vi": "Số thứ tự được cấp ngay. Bạn theo dõi lượt trên điện thoại và đến quầy khi "
        "gần đến lượt.",
        "en": "You get a number at once. Follow your turn on your phone and come to the counter "
        "when it is near.",
    },
    "remote_take": {"vi": "Lấy số từ xa hôm nay", "en": "Take a number for today"},
    "remote_closed": {
        "vi": "Hiện không lấy số từ xa được.",
        "en": "Remote numbers cannot be taken now.",
    },
    "days_heading": {"vi": "Chọn ngày", "en": "Choose a day"},
    "day_free": {"vi": "Còn {n} khung giờ", "en": "{n} times free"},
    "day_free_one": {"vi": "Còn 1 khung giờ", "en": "1 time free"},
    "day_full": {"vi": "Hết chỗ", "en": "Fully booked"},
    "day_closed": {"vi": "Không nhận lịch", "en": "Closed"},
    "times_heading": {"vi": "Giờ hẹn ngày {day}", "en": "Times on {day}"},
    "slot_places": {"vi": "còn {n} chỗ", "en": "{n} places left"},
    "slot_places_one": {"vi": "còn 1 chỗ", "en": "1 place left"},
    "slot_full": {"vi": "hết chỗ", "en": "full"},
    "slot_current": {"vi": "giờ hẹn hiện tại", "en": "your current time"},
    "no_times": {
        "vi": "Ngày này không còn giờ trống. Vui lòng chọn ngày khác.",
        "en": "No free time is left on this day. Please choose another day.",
    },
    "no_days": {
        "vi": "Không còn ngày nào nhận đặt lịch trong thời gian cho phép đặt trước.",
        "en": "No day can be booked within the booking period.",
    },
    "slots_none": {
        "vi": "Dịch vụ này không nhận đặt lịch theo giờ.",
        "en": "This service takes no appointments by time.",
    },
    # The phone number -------------------------------------------------------------------------
    "phone_title": {"vi": "Nhập số điện thoại", "en": "Your phone number"},
    "fact_service": {"vi": "Dịch vụ", "en": "Service"},
    "fact_when": {"vi": "Giờ hẹn", "en": "Time"},
    "fact_day": {"vi": "Ngày", "en": "Day"},
    "fact_phone": {"vi": "Điện thoại", "en": "Phone"},
    "fact_code": {"vi": "Mã lịch hẹn", "en": "Booking code"},
    "fact_number": {"vi": "Số thứ tự", "en": "Your number"},
    "when_value": {"vi": "{time}, {day}", "en": "{time}, {day}"},
    "remote_value": {"vi": "Lấy số từ xa trong hôm nay", "en": "A remote number for today"},
    "phone_label": {"vi": "Số điện thoại di động", "en": "Mobile phone number"},
    "phone_hint": {
        "vi": "Mã xác nhận gồm {n} chữ số sẽ được gửi qua tin nhắn đến số này. Số điện thoại "
        "chỉ dùng cho lịch hẹn này.",
        "en": "A {n}-digit confirmation code is sent by text message to this number. The "
        "number is used for this booking only.",
    },
    "id_label": {"vi": "Số căn cước (không bắt buộc)", "en": "Citizen ID number (optional)"},
    "id_hint": {
        "vi": "Nếu nhập, khi đến bạn có thể quét thẻ căn cước tại ki-ốt thay cho mã lịch hẹn. "
        "Hệ thống chỉ lưu số này ở dạng mã hóa.",
        "en": "If given, you can scan your ID card at the kiosk instead of the booking code. "
        "Only a coded form of the number is kept.",
    },
    "send_code": {"vi": "Gửi mã xác nhận", "en": "Send the confirmation code"},
    "choose_other": {"vi": "Chọn giờ khác", "en": "Choose another time"},
    "start_again": {"vi": "Đặt lịch lại", "en": "Start again"},
    "back_to_booking": {"vi": "Về trang lịch hẹn", "en": "Back to the appointment"},
    # The one-time code ------------------------------------------------------------------------
    "code_title": {"vi": "Nhập mã xác nhận", "en": "Enter the confirmation code"},
    "code_sent": {
        "vi": "Mã gồm {n} chữ số đã được gửi qua tin nhắn đến số {phone}.",
        "en": "A {n}-digit code was sent by text message to {phone}.",
    },
    "code_until": {"vi": "Mã có hiệu lực đến {time}.", "en": "The code is valid until {time}."},
    "code_label": {"vi": "Mã xác nhận ({n} chữ số)", "en": "Confirmation code ({n} digits)"},
    "confirm": {"vi": "Xác nhận", "en": "Confirm"},
    "code_again": {
        "vi": "Không nhận được mã? Đặt lịch lại",
        "en": "No code received? Start again",
    },
    # The booking's page -----------------------------------------------------------------------
    "booking_heading": {"vi": "Lịch hẹn của bạn", "en": "Your appointment"},
    "remote_booking_heading": {"vi": "Số lấy từ xa của bạn", "en": "Your remote number"},
    "booking_page_title": {"vi": "Lịch hẹn {code}", "en": "Appointment {code}"},
    "state_booked": {"vi": "Đã đặt lịch", "en": "Booked"},
    "state_booked_remote": {
        "vi": "Đã cấp số, đang chờ gọi",
        "en": "Number issued, waiting to be called",
    },
    "state_checked_in": {
        "vi": "Đã làm thủ tục có mặt, đang chờ gọi",
        "en": "Checked in, waiting to be called",
    },
    "state_called": {"vi": "Đã được gọi", "en": "Called"},
    "state_no_show": {
        "vi": "Không làm thủ tục có mặt đúng giờ: lịch hẹn đã hết giữ chỗ",
        "en": "Not checked in on time: the place was released",
    },
    "state_cancelled": {"vi": "Đã hủy", "en": "Cancelled"},
    "how_heading": {"vi": "Khi đến Trung tâm", "en": "When you arrive"},
    "how": {
        "vi": "Đến trước giờ hẹn {time} ngày {day}, quét mã QR này tại ki-ốt hoặc nhập mã "
        "{code}. Ki-ốt cấp số thứ tự; bạn được gọi đúng giờ hẹn, trước người không hẹn.",
        "en": "Arrive before {time} on {day}, scan this QR code at the kiosk or type the code "
        "{code}. The kiosk gives you a number; you are called at your time, ahead of people "
        "without an appointment.",
    },
    "how_late": {
        "vi": "Nếu làm thủ tục sau {until}, lịch hẹn hết giữ chỗ: bạn vẫn lấy được số nhưng "
        "chờ như người không hẹn.",
        "en": "If you check in after {until}, the place is released: you still get a number "
        "but wait like everyone else.",
    },
    "how_keep": {
        "vi": "Hãy giữ trang này hoặc chụp màn hình mã QR để dùng khi đến.",
        "en": "Keep this page, or a screenshot of the QR code, for when you arrive.",
    },
    "qr_label": {"vi": "Mã QR của lịch hẹn {code}", "en": "QR code of appointment {code}"},
    "remote_how": {
        "vi": "Số của bạn đã vào hàng chờ. Theo dõi lượt trên điện thoại và đến quầy khi gần "
        "đến lượt.",
        "en": "Your number is in the queue. Follow your turn on your phone and come to the "
        "counter when it is near.",
    },
    "follow": {"vi": "Theo dõi lượt của bạn", "en": "Follow your turn"},
    "change": {"vi": "Đổi giờ hẹn", "en": "Change the time"},
    "changes_left": {"vi": "Còn đổi được {n} lần.", "en": "{n} changes left."},
    "cancel": {"vi": "Hủy lịch hẹn", "en": "Cancel the appointment"},
    "cancel_remote": {"vi": "Hủy số này", "en": "Cancel this number"},
    "book_again": {"vi": "Đặt lịch mới", "en": "Book again"},
    "done_booked": {
        "vi": "Đặt lịch thành công. Tin nhắn xác nhận sẽ được gửi đến điện thoại của bạn.",
        "en": "Booked. A text message confirms it.",
    },
    "done_booked_remote": {"vi": "Đã lấy số thành công.", "en": "Your number was issued."},
    "done_cancelled": {"vi": "Đã hủy lịch hẹn.", "en": "The appointment was cancelled."},
    "done_changed": {
        "vi": "Đã đổi giờ hẹn. Tin nhắn xác nhận giờ mới sẽ được gửi đến điện thoại của bạn.",
        "en": "The time was changed. A text message confirms the new time.",
    },
    "cancel_title": {"vi": "Hủy lịch hẹn?", "en": "Cancel the appointment?"},
    "cancel_question": {
        "vi": "Bạn có chắc muốn hủy lịch hẹn {when}? Sau khi hủy, người khác có thể đặt chỗ này.",
        "en": "Do you really want to cancel the appointment at {when}? Someone else may then "
        "book the place.",
    },
    "cancel_question_remote": {
        "vi": "Bạn có chắc muốn hủy số {number}? Số đã hủy không dùng lại được.",
        "en": "Do you really want to cancel number {number}? A cancelled number cannot be used "
        "again.",
    },
    "cancel_yes": {"vi": "Có, hủy", "en": "Yes, cancel"},
    "cancel_no": {"vi": "Không, giữ lại", "en": "No, keep it"},
    "change_title": {"vi": "Đổi giờ hẹn", "en": "Change the time"},
    "change_current": {"vi": "Giờ hẹn hiện tại: {when}.", "en": "Current time: {when}."},
    "change_question": {"vi": "Đổi giờ hẹn sang {when}?", "en": "Change the time to {when}?"},
    "change_yes": {"vi": "Đổi giờ hẹn", "en": "Change the time"},
    "change_no": {"vi": "Giữ giờ cũ", "en": "Keep the current time"},
    "booking_missing_title": {"vi": "Không tìm thấy lịch hẹn", "en": "Appointment not found"},
    "booking_missing": {
        "vi": "Không tìm thấy lịch hẹn này. Vui lòng kiểm tra đường dẫn trong tin nhắn xác "
        "nhận hoặc hỏi bàn hướng dẫn.",
        "en": "This appointment was not found. Please check the link in the confirmation "
        "message or ask the guidance desk.",
    },
    "weekday_0": {"vi": "Thứ Hai", "en": "Monday"},
    "weekday_1": {"vi": "Thứ Ba", "en": "Tuesday"},
    "weekday_2": {"vi": "Thứ Tư", "en": "Wednesday"},
    "weekday_3": {"vi": "Thứ Năm", "en": "Thursday"},
    "weekday_4": {"vi": "Thứ Sáu", "en": "Friday"},
    "weekday_5": {"vi": "Thứ Bảy", "en": "Saturday"},
    "weekday_6": {"vi": "Chủ nhật", "en": "Sunday"},
    "seconds": {"vi": "{n} giây", "en": "{n} seconds"},
    "minutes": {"vi": "{n} phút", "en": "{n} minutes"},
    "hours": {"vi": "{n} giờ", "en": "{n} hours"},
    "error_prefix": {"vi": "Lỗi", "en": "Error"},
    "forbidden_title": {"vi": "Yêu cầu không hợp lệ", "en": "Request refused"},
    "forbidden": {
        "vi": "Yêu cầu này không gửi từ trang đặt lịch. Vui lòng mở lại trang và thử lại.",
        "en": "This request did not come from the booking page. Please open the page again.",
    },
    # Refusals ---------------------------------------------------------------------------------
    "bad_phone_title": {"vi": "Số điện thoại chưa đúng", "en": "Check the phone number"},
    "bad_phone": {
        "vi": "Số điện thoại di động cần đủ 10 chữ số và bắt đầu bằng 03, 05, 07, 08 hoặc 09, "
        "ví dụ 0912 345 678.",
        "en": "A mobile number has 10 digits and starts with 03, 05, 07, 08 or 09, for example "
        "0912 345 678.",
    },
    "bad_id_title": {"vi": "Số căn cước chưa đúng", "en": "Check the ID number"},
    "bad_id": {
        "vi": "Số căn cước gồm đúng 12 chữ số. Có thể để trống.",
        "en": "A citizen ID number has exactly 12 digits. You may leave it empty.",
    },
    "bad_code_title": {"vi": "Mã xác nhận chưa đủ", "en": "Check the code"},
    "bad_code": {
        "vi": "Mã xác nhận gồm {n} chữ số, trong tin nhắn vừa gửi đến điện thoại của bạn.",
        "en": "The confirmation code has {n} digits; it is in the text message just sent to "
        "your phone.",
    },
    "err_wrong_code_title": {"vi": "Mã xác nhận không đúng", "en": "Wrong confirmation code"},
    "err_wrong_code": {
        "vi": "Vui lòng kiểm tra tin nhắn và nhập lại. Còn {n} lần thử.",
        "en": "Please check the text message and try again. {n} tries left.",
    },
    "err_wrong_code_plain": {
        "vi": "Vui lòng kiểm tra tin nhắn và nhập lại.",
        "en": "Please check the text message and try again.",
    },
    "err_too_many_tries_title": {
        "vi": "Đã nhập sai mã quá số lần cho phép",
        "en": "Too many wrong codes",
    },
    "err_too_many_tries": {
        "vi": "Mã xác nhận này không dùng được nữa. Vui lòng đặt lịch lại để nhận mã mới.",
        "en": "This code can no longer be used. Please start again to get a new code.",
    },
    "err_code_expired_title": {"vi": "Mã xác nhận đã hết hạn", "en": "The code has expired"},
    "err_code_expired": {
        "vi": "Mã xác nhận đã hết hạn hoặc đã được dùng. Vui lòng đặt lịch lại để nhận mã mới.",
        "en": "The code has expired or was already used. Please start again to get a new code.",
    },
    "err_slot_full_title": {"vi": "Giờ này đã hết chỗ", "en": "This time is fully booked"},
    "err_slot_full": {
        "vi": "Giờ hẹn bạn chọn vừa được người khác đặt hết. Vui lòng chọn giờ khác.",
        "en": "Others have just booked every place at this time. Please choose another time.",
    },
    "err_slot_closed_title": {
        "vi": "Giờ này không còn nhận đặt lịch",
        "en": "This time can no longer be booked",
    },
    "err_slot_closed": {
        "vi": "Giờ hẹn này đã qua, đã quá sát giờ, ở ngoài thời gian được đặt trước hoặc "
        "vào ngày nghỉ. Vui lòng chọn giờ khác trong danh sách.",
        "en": "This time has passed, is too close, is further ahead than bookings are taken, "
        "or falls on a day off. Please choose another time from the list.",
    },
    "err_day_cap_title": {"vi": "Đã hết số trong ngày", "en": "No numbers left today"},
    "err_day_cap": {
        "vi": "Hôm nay đã hết số lấy từ xa cho dịch vụ này. Mời bạn lấy số tại ki-ốt hoặc đặt "
        "lịch hẹn ngày khác.",
        "en": "No remote numbers are left today for this service. Please take a number at the "
        "kiosk or book an appointment on another day.",
    },
    "err_remote_closed_title": {
        "vi": "Hiện không lấy số từ xa được",
        "en": "Remote numbers cannot be taken now",
    },
    "err_remote_closed": {
        "vi": "Dịch vụ này đang ngoài giờ lấy số hoặc hôm nay là ngày nghỉ.",
        "en": "This service is outside its ticket hours, or today is a day off.",
    },
    "err_phone_quota_title": {
        "vi": "Số điện thoại đã đủ lịch hẹn",
        "en": "This phone already has its appointments",
    },
    "err_phone_quota": {
        "vi": "Mỗi số điện thoại chỉ giữ được một số lịch hẹn trong một ngày. Bạn có thể hủy "
        "một lịch đã đặt rồi đặt lại.",
        "en": "One phone number may hold only a few appointments a day. You may cancel one "
        "and book again.",
    },
    "err_rate_phone": {
        "vi": "Số điện thoại này đã yêu cầu quá nhiều mã xác nhận. Vui lòng thử lại sau {wait} "
        "hoặc đến trực tiếp Trung tâm.",
        "en": "Too many codes were asked for this phone number. Please try again in {wait} or "
        "come to the centre.",
    },
    "err_rate": {
        "vi": "Có quá nhiều yêu cầu đặt lịch từ mạng của bạn. Vui lòng thử lại sau {wait}.",
        "en": "Too many booking requests came from your network. Please try again in {wait}.",
    },
    "err_no_request_title": {
        "vi": "Không tìm thấy yêu cầu đặt lịch",
        "en": "Booking request not found",
    },
    "err_no_request": {
        "vi": "Yêu cầu đặt lịch này không còn. Vui lòng đặt lịch lại.",
        "en": "This booking request no longer exists. Please start again.",
    },
    "err_not_offered_title": {"vi": "Không đặt lịch được", "en": "Cannot book"},
    "err_not_offered": {
        "vi": "Dịch vụ này hiện không nhận đặt lịch hẹn.",
        "en": "This service does not take appointments now.",
    },
    "err_cancel_title": {"vi": "Không hủy được nữa", "en": "It can no longer be cancelled"},
    "err_cancel": {
        "vi": "Lịch hẹn này đã kết thúc hoặc số của bạn đã được gọi.",
        "en": "This appointment has ended, or your number was already called.",
    },
    "err_change_title": {"vi": "Không đổi giờ được", "en": "The time cannot be changed"},
    "err_change": {
        "vi": "Lịch hẹn này đã đổi đủ số lần cho phép, đã làm thủ tục có mặt hoặc đã kết thúc. "
        "Bạn có thể hủy rồi đặt lịch mới.",
        "en": "This appointment was changed as often as allowed, is checked in, or has ended. "
        "You may cancel it and book again.",
    },
    "err_invalid_title": {"vi": "Thông tin chưa đúng", "en": "Something is not right"},
    "err_invalid": {
        "vi": "Vui lòng kiểm tra lại thông tin và thử lại.",
        "en": "Please check what you entered and try again.",
    },
}
